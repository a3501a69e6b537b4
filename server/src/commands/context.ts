import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LiveFactsStore } from '../live/liveFactsStore';
import type { VaultFact, WorkspaceFacts } from '../service/facts/facts';
import type { WorkspaceIndex } from '../service/facts/workspaceIndex';
import type { LanguageService } from '../service/languageService';
import type { DocumentKind } from '../service/documentAnalysis';

/** What the editor's commands need from the server. */
export interface CommandContext {
  index: WorkspaceIndex;
  facts: WorkspaceFacts;
  service: () => LanguageService;
  live: () => LiveFactsStore | undefined;
  document: (uri: string) => TextDocument | undefined;
  kindOf: (uri: string) => DocumentKind | undefined;
  /** The key the client gave this process; undefined in other editors (no preview, no write). */
  sessionKey: string | undefined;
  normalize: (uri: string) => string;
  /** Resolves once the workspace has been indexed (vault names are known). */
  ready: () => Promise<void>;
  revalidateAll: () => void;
}

export function vaultByUri(ctx: CommandContext, uri: string): VaultFact | undefined {
  const wanted = ctx.normalize(uri);
  return ctx.index.allVaults().find((v) => ctx.normalize(v.fact.uri) === wanted)?.fact;
}

export function describeFailure(error: unknown): string {
  if (error instanceof Error && error.name === 'ProviderError') return error.message;
  return 'unexpected failure; see the output channel';
}
