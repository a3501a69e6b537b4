import type { LiveFacts } from './liveFacts';
import type { VaultSet } from './vaults';

export type { EngineFact, VaultFact, VaultSet } from './vaults';

/** Facts the language service needs beyond the document itself. */
export interface WorkspaceFacts {
  vaults(uri: string): VaultSet;
  /** Keys referenced for the same secret anywhere in the document's workspace folder. */
  keysUsed(uri: string, secretId: string): readonly string[];
  /** Facts from the secret managers; absent when nothing live is available (the CLI without --live). */
  live?: LiveFacts;
  /** Secrets found in a document's text by secretlint; undefined while not scanned yet. */
  secretScan?(uri: string): readonly SecretScanFinding[] | undefined;
}

/** A secret that secretlint found in a document: where, which rule, what kind. Never the value. */
export interface SecretScanFinding {
  start: number;
  end: number;
  ruleId: string;
  /** A short name of what was found, e.g. "GitHub token". */
  kind: string;
  /** The matched text, only to recognise template syntax; never shown. */
  text: string;
}

export const noFacts: WorkspaceFacts = {
  vaults: () => ({ complete: false, byName: new Map() }),
  keysUsed: () => [],
};
