import type { CompletionItem } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Settings } from '../../../../shared/src/settings';
import type { ProblemOptions } from '../diagnostics/problemOptions';
import type { VaultSet, WorkspaceFacts } from '../facts/facts';
import type { Problem } from '../model/types';
import type { ResolvedRead, SecretTarget } from '../references/resolve';
import type { ParsedYaml } from '../yaml/parseYaml';
import type { FormatAnalysis, SecretUse } from './facts';

/**
 * A reference format: a syntax in which documents name secrets (connection files today). Each is
 * a folder under `formats/` registered with one line in `formats/registry.ts`. The service parses
 * (YAML), runs the generic checks on the canonical facts the format returns (`formats/facts.ts`),
 * and asks the format only for what is its own: its syntax, its problems, its completion.
 */
export interface ReferenceFormat<M = unknown> {
  /** The document kind: `connection`. */
  readonly id: string;
  /** For messages and documentation: `connection file`. */
  readonly displayName: string;
  readonly files: FormatFiles;
  /** `yaml`: the service parses the text (every YAML document of it) before `analyze`; `text`: no parse. */
  readonly syntax: 'yaml' | 'text';
  /**
   * YAML formats that hold one document per file: how the file is named in the problem reported at
   * a second document's `---` (`A connection file holds one connection`). Absent: any number.
   */
  readonly oneDocumentPerFile?: string;
  /** Hover titles: on a key read (`Secret reference`) and on a use named apart (`Attached secret`). */
  readonly labels: { read: string; use: string };
  /** Whether `check` reads secretlint's findings on the document (`WorkspaceFacts.secretScan`). */
  readonly scansForSecrets?: boolean;

  /**
   * One document's canonical facts and the format's own problems, from its text alone (no
   * workspace facts). `problems` receives them; with YAML syntax errors it is a scratch list whose
   * findings are dropped, since they would rest on the parser's guess.
   */
  analyze(input: FormatInput, problems: Problem[]): FormatAnalysis<M>;
  /**
   * The format's own checks of one use against the vault it resolved to, run after the vault name
   * is checked and before the generic engine, path and version checks (a connection: fields that do
   * not fit the vault's provider).
   */
  checkUse?(ctx: UseCheckContext<M>): void;
  /** The format's own checks that need workspace facts, after the generic ones (a connection: unused secrets, aliases, credentials). */
  check?(ctx: FormatCheckContext<M>): void;
  /** Completion in the format's syntax; the generic item builders are in `completion/secretItems.ts`. */
  complete?(ctx: FormatCompletionContext<M>): CompletionItem[];
  /** Markdown lines (escaped) about the document, added to hovers on its uses and reads (a connection's owner). */
  hoverLines?(analysis: FormatAnalysis<M>): string[];
  /** What the inventory says of the document that reads secrets. */
  describe?(analysis: FormatAnalysis<M>): DocumentDescription;
}

/** Which files are a format's. */
export interface FormatFiles {
  /** Globs, relative to the workspace folder, of the files that may be this format's. */
  patterns(settings: Settings): readonly string[];
  /**
   * When present, a file matching `patterns` is this format's only when its text passes this test.
   * It must be cheap (a substring test, never a parse): every candidate file is read and tested.
   */
  content?(text: string): boolean;
}

export interface FormatInput {
  uri: string;
  text: string;
  /** Syntax `yaml`: the parsed text (at least one document). */
  yaml: ParsedYaml | undefined;
}

export interface UseCheckContext<M> {
  analysis: FormatAnalysis<M>;
  /** The index of `use` in `analysis.uses`. */
  index: number;
  use: SecretUse;
  target: SecretTarget;
  problems: Problem[];
}

export interface FormatCheckContext<M> {
  uri: string;
  analysis: FormatAnalysis<M>;
  /** One per use, in order; undefined for a use that names no vault. */
  targets: readonly (SecretTarget | undefined)[];
  /** One per read, in order. */
  reads: readonly ResolvedRead[];
  vaults: VaultSet;
  facts: WorkspaceFacts;
  options: ProblemOptions;
  problems: Problem[];
}

export interface FormatCompletionContext<M> {
  document: TextDocument;
  /** Undefined when the text could not be read at all (too large, binary, not parsed). */
  analysis: FormatAnalysis<M> | undefined;
  offset: number;
  facts: WorkspaceFacts;
  snippets: boolean;
}

export interface DocumentDescription {
  /** The document's own name (a connection's `name`); the file name when absent. */
  name?: string;
  owner?: string;
  expires?: string;
}
