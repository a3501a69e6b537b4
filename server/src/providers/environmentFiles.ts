/** The environment's credential files, as the server parts of the descriptors look for them. */
import { readFile } from 'node:fs/promises';

/** Whether a file exists and can be read. */
export async function fileExists(path: string): Promise<boolean> {
  try {
    await readFile(path);
    return true;
  } catch {
    return false;
  }
}
