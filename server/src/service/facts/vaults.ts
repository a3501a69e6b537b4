import type { Range } from 'vscode-languageserver-types';
import type { Provider, VaultConnectionSettings } from '../model/types';

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
