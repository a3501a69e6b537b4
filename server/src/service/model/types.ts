import type { DiagnosticCode } from '../diagnostics/codes';
import type { DiagnosticSeverity } from 'vscode-languageserver-types';
import type { ProviderId } from '../../../../shared/src/providers';
import type { VaultConnectionSettings } from '../../../../shared/src/providers/descriptor';

/** A `provider:` value: the id of a provider descriptor (shared/src/providers). */
export type Provider = ProviderId;

/** A span of a document by character offsets, end exclusive. */
export interface Span {
  start: number;
  end: number;
}

/** A value read from the file together with where it stands. */
export interface Located<T> {
  value: T;
  span: Span;
}

/** A finding inside one document, by offsets; the language service turns it into an LSP diagnostic. */
export interface Problem {
  code: DiagnosticCode;
  span: Span;
  message: string;
  /** Overrides the code's default severity. */
  severity?: DiagnosticSeverity;
  /** Carried to the quick fix that repairs it. */
  data?: FixData;
}

/** What a quick fix needs to know, attached to the diagnostic it repairs. */
export type FixData =
  | { fix: 'insert'; offset: number; text: string; title: string }
  | { fix: 'replace'; start: number; end: number; text: string; title: string }
  | { fix: 'rename-vault'; start: number; end: number; candidates: string[] }
  | { fix: 'move-to-vault'; start: number; end: number; key: string };

export interface EngineDeclaration {
  path: string;
  type: string | undefined;
  version: 1 | 2 | undefined;
  span: Span;
}

export interface VaultConfigModel {
  name: Located<string> | undefined;
  provider: Provider | undefined;
  enabled: boolean;
  description: string | undefined;
  owner: string | undefined;
  url: string | undefined;
  namespace: string | undefined;
  region: string | undefined;
  vaultUrl: string | undefined;
  project: string | undefined;
  /** Where the file names the address (`url`, `vault_url` or `endpoint`), when it does. */
  addressSpan: Span | undefined;
  /** Undefined when the file declares no engines: nothing is then known about them. */
  engines: EngineDeclaration[] | undefined;
  /** How to connect (hashicorp): settings that never hold a credential. */
  connection: VaultConnectionSettings;
}

export type { VaultConnectionSettings } from '../../../../shared/src/providers/descriptor';

export interface Attachment {
  index: number;
  span: Span;
  vault: Located<string> | undefined;
  alias: Located<string> | undefined;
  engine: Located<string> | undefined;
  path: Located<string> | undefined;
  secret: Located<string> | undefined;
  version: Located<unknown> | undefined;
  versionStage: Located<string> | undefined;
}

/** A `vault.secret(...)` reference as written; how it resolves depends on the attachments. */
export interface Reference {
  /** The whole `vault.secret(...)` text. */
  span: Span;
  /** The argument between the parentheses. */
  argument: Located<string>;
  /** Inline form: `VAULT:PATH.KEY`. */
  inline: { vault: Located<string>; path: Located<string>; key: Located<string> } | undefined;
}

export interface ConnectionModel {
  name: Located<string> | undefined;
  attachments: Attachment[];
  references: Reference[];
  /** Span of the `vault_secrets` key, or of the document start when it is absent. */
  attachmentsKeySpan: Span | undefined;
  auth: Located<string> | undefined;
  owner: Located<string> | undefined;
  /** ISO date (YYYY-MM-DD...). */
  expires: Located<string> | undefined;
  /** Names of the keys directly under `value`. */
  valueKeys: Set<string>;
  /** Scalars under `value` whose key names a credential, with their key and content span. */
  credentialScalars: { key: string; span: Span; text: string }[];
}

export type DocumentKind = 'vault-config' | 'connection';

/** Everything the service knows about one document from its text alone. */
export interface DocumentAnalysis {
  uri: string;
  kind: DocumentKind;
  problems: Problem[];
  vault: VaultConfigModel | undefined;
  connection: ConnectionModel | undefined;
  /** 0-based line → codes suppressed on that line (`*` for all). */
  suppressions: Map<number, Set<string>>;
  /** False when the text has syntax errors: the models are a best guess, fit for completion only. */
  trusted: boolean;
}
