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
