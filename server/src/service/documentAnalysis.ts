import type { FormatAnalysis } from './formats/facts';
import type { FormatId } from './formats/registry';
import type { Problem, VaultConfigModel } from './model/types';

/** What a document is: a vault configuration, or a document of one of the reference formats. */
export type DocumentKind = 'vault-config' | FormatId;

/** Everything the service knows about one document from its text alone. Plain data (it crosses to and from the worker thread). */
export interface DocumentAnalysis {
  uri: string;
  kind: DocumentKind;
  problems: Problem[];
  /** A vault configuration's model (kind `vault-config`). */
  vault: VaultConfigModel | undefined;
  /** A reference format's canonical facts and model (any other kind). */
  format: FormatAnalysis | undefined;
  /** 0-based line → codes suppressed on that line (`*` for all). */
  suppressions: Map<number, Set<string>>;
  /** False when the text has syntax errors: the models are a best guess, fit for completion only. */
  trusted: boolean;
}
