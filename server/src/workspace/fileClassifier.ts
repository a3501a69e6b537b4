import picomatch from 'picomatch';
import type { Settings } from '../../../shared/src/settings';
import type { DocumentKind } from '../service/model/types';

/** Decides from a path whether a file is a vault configuration, a connection, or neither. */
export interface FileClassifier {
  /** `relativePath` uses `/` and is relative to the workspace folder (or absolute without the leading `/`). */
  kindOf(relativePath: string): DocumentKind | undefined;
  isExcluded(relativePath: string): boolean;
}

export function createFileClassifier(settings: Settings): FileClassifier {
  const options = { dot: true };
  const vault = picomatch(settings.files.vaultConfigs, options);
  const connection = picomatch(settings.files.connections, options);
  const excluded = picomatch(settings.files.exclude, options);
  const clean = (path: string) => path.replace(/\\/g, '/').replace(/^\/+/, '');
  return {
    kindOf(relativePath) {
      const path = clean(relativePath);
      if (excluded(path)) return undefined;
      if (vault(path)) return 'vault-config';
      if (connection(path)) return 'connection';
      return undefined;
    },
    isExcluded(relativePath) {
      const path = clean(relativePath);
      return excluded(path) || excluded(`${path}/`);
    },
  };
}
