import type { Range } from 'vscode-languageserver-types';
import type { Provider, VaultConnectionSettings } from '../model/types';
import type { LiveFacts } from './liveFacts';

/** What is known about one engine (mount) of a HashiCorp vault. */
export interface EngineFact {
  path: string;
  type: string | undefined;
  kvVersion: 1 | 2 | undefined;
  source: 'declared' | 'live';
}

/** A vault configuration as other documents see it. */
export interface VaultFact {
  name: string;
  provider: Provider | undefined;
  enabled: boolean;
  description: string | undefined;
  owner: string | undefined;
  /** hashicorp url, azure vault_url; undefined for others. */
  address: string | undefined;
  region: string | undefined;
  project: string | undefined;
  namespace: string | undefined;
  /** Undefined when the configuration declares no engines: nothing is known about them. */
  engines: EngineFact[] | undefined;
  uri: string;
  nameRange: Range;
  connection: VaultConnectionSettings;
}

/** The vault configurations visible from one document. */
export interface VaultSet {
  /**
   * False while the workspace is still being indexed (or cannot be listed): a name missing from
   * an incomplete set is not reported as unknown.
   */
  complete: boolean;
  byName: ReadonlyMap<string, readonly VaultFact[]>;
}

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
