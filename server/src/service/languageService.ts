import type { CodeAction, CompletionList, Diagnostic, Hover, Location, Position, Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { defaultSettings, type Settings } from '../../../shared/src/settings';
import { analyzeDocument } from './analyzeDocument';
import { complete } from './completion/complete';
import type { WorkspaceFacts } from './facts/facts';
import type { ProblemOptions } from './diagnostics/problemOptions';
import type { DocumentAnalysis, DocumentKind } from './documentAnalysis';
import { codeActions } from './features/codeActions';
import { definitionFor } from './features/definition';
import { hoverAt } from './features/documentHover';
import { locate } from './features/locate';
import { secretAt, type SecretAt } from './features/secretAt';
import { collectProblems, toDiagnostics } from './features/validate';
import { showControls } from '../../../shared/src/text/controls';

export type { SecretAt } from './features/secretAt';

export interface LanguageServiceOptions {
  settings?: Settings;
  /** Whether the client accepts snippet completions. */
  snippets?: boolean;
  /** Whether hovers offer the client's `secretRefs.previewSecret` command link and quick fixes the `secretRefs.moveToVault` command (VS Code client only). */
  previewCommand?: boolean;
  /** The clock expiry dates are compared with. */
  now?: () => number;
}

/**
 * The language service: documents and facts in, LSP types out. It knows no connection, no file
 * system and no secret manager.
 */
export interface LanguageService {
  configure(settings: Settings): void;
  analyze(document: TextDocument, kind: DocumentKind): DocumentAnalysis;
  validate(document: TextDocument, kind: DocumentKind, facts: WorkspaceFacts): Diagnostic[];
  complete(document: TextDocument, kind: DocumentKind, position: Position, facts: WorkspaceFacts): CompletionList;
  hover(document: TextDocument, kind: DocumentKind, position: Position, facts: WorkspaceFacts): Hover | null;
  definition(document: TextDocument, kind: DocumentKind, position: Position, facts: WorkspaceFacts): Location[];
  codeActions(document: TextDocument, kind: DocumentKind, range: Range, diagnostics: readonly Diagnostic[], facts: WorkspaceFacts): CodeAction[];
  /** The secret and key a key read (or use) at `position` names, for an explicit preview. */
  secretAt(document: TextDocument, kind: DocumentKind, position: Position, facts: WorkspaceFacts): SecretAt | undefined;
  /** Drops what is cached for a document that closed or was deleted. */
  forget(uri: string): void;
  /** Takes an analysis made elsewhere (a worker thread) of a document's version with these settings. */
  prime(uri: string, version: number, kind: DocumentKind, maxSizeKb: number, analysis: DocumentAnalysis): void;
}

/**
 * Completion items name keys, paths and vaults from files and servers: what the list shows
 * (label, detail, documentation) has control and bidi characters spelled out. What is inserted
 * is unchanged, and filtering still matches the name as written.
 */
function shownAsText(list: CompletionList): CompletionList {
  for (const item of list.items) {
    const label = showControls(item.label, 300);
    if (label !== item.label) {
      if (item.filterText === undefined) item.filterText = item.label;
      if (item.textEdit === undefined && item.insertText === undefined) item.insertText = item.label;
      item.label = label;
    }
    if (item.detail !== undefined) item.detail = showControls(item.detail, 300);
    if (typeof item.documentation === 'string') item.documentation = showControls(item.documentation, 1000);
  }
  return list;
}

export function createLanguageService(options: LanguageServiceOptions = {}): LanguageService {
  let settings = options.settings ?? defaultSettings;
  const snippets = options.snippets ?? true;
  const cache = new Map<string, { version: number; kind: DocumentKind; maxSizeKb: number; analysis: DocumentAnalysis }>();

  function analyze(document: TextDocument, kind: DocumentKind): DocumentAnalysis {
    const cached = cache.get(document.uri);
    const maxSizeKb = settings.files.maxSizeKb;
    if (cached && cached.version === document.version && cached.kind === kind && cached.maxSizeKb === maxSizeKb) return cached.analysis;
    const analysis = analyzeDocument(document.uri, document.getText(), kind, { maxSizeKb });
    cache.set(document.uri, { version: document.version, kind, maxSizeKb, analysis });
    return analysis;
  }

  const problemOptions = (): ProblemOptions => ({ now: (options.now ?? Date.now)(), expiryWarningDays: settings.live.expiryWarningDays, hardcoded: settings.hardcodedCredentials });

  return {
    configure(next) {
      settings = next;
    },
    analyze,
    validate(document, kind, facts) {
      const analysis = analyze(document, kind);
      return toDiagnostics(document, analysis, collectProblems(analysis, facts, problemOptions()), settings.diagnostics.disabled);
    },
    complete(document, kind, position, facts) {
      return shownAsText(complete(document, analyze(document, kind), document.offsetAt(position), facts, { snippets }));
    },
    hover(document, kind, position, facts) {
      return hoverAt(document, analyze(document, kind), position, facts, options.previewCommand === true);
    },
    definition(document, kind, position, facts) {
      const analysis = analyze(document, kind);
      const found = locate(analysis.format, document.offsetAt(position), facts.vaults(document.uri));
      return found ? definitionFor(document, found) : [];
    },
    codeActions(document, kind, range, diagnostics, facts) {
      const analysis = analyze(document, kind);
      return codeActions(document, range, collectProblems(analysis, facts, problemOptions()), diagnostics, options.previewCommand === true);
    },
    secretAt(document, kind, position, facts) {
      return secretAt(analyze(document, kind), document.offsetAt(position), facts);
    },
    forget(uri) {
      cache.delete(uri);
    },
    prime(uri, version, kind, maxSizeKb, analysis) {
      const cached = cache.get(uri);
      // A newer version (or the same, already analysed here) wins; another size limit is stale.
      if (cached && cached.version >= version) return;
      if (maxSizeKb !== settings.files.maxSizeKb) return;
      cache.set(uri, { version, kind, maxSizeKb, analysis });
    },
  };
}
