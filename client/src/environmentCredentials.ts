/**
 * Credentials in the extension host's environment, read as each provider's own tools read them
 * (each provider's descriptor says how, shared/src/providers). In VS Code they are one more source
 * the user approves per address (the same prompt, naming the source): the language server never
 * reads them itself, it gets them sealed like a stored one.
 */
import * as path from 'node:path';
import type { CredentialParams } from '../../shared/src/customMessages';
import { providerDescriptor } from '../../shared/src/providers';
import type { EnvironmentAccess, EnvironmentCredential } from '../../shared/src/providers/descriptor';

export type { EnvironmentAccess, EnvironmentCredential } from '../../shared/src/providers/descriptor';

/** The credential the environment holds for a vault, if any. Never throws. */
export async function environmentCredential(params: CredentialParams, access: EnvironmentAccess): Promise<EnvironmentCredential | undefined> {
  try {
    const descriptor = providerDescriptor(params.provider);
    if (!descriptor) return undefined;
    return await descriptor.credentials.environment(params, {
      env: access.env,
      home: () => access.home(),
      readFile: (file) => access.readFile(file),
      join: (...parts) => path.join(...parts),
      platform: process.platform,
    });
  } catch {
    return undefined;
  }
}
