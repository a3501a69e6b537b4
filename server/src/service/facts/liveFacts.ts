import type { EngineInfo, NotFoundReason, ProviderErrorKind, SecretLocator, SecretMetadata } from '../../../../shared/src/secretModel';
import type { VaultFact } from './vaults';

/** A failure reported by a secret manager, safe to show: it holds no value and no credential. */
export interface LiveError {
  kind: ProviderErrorKind;
  message: string;
  apiPath?: string;
  deletionTime?: string;
  cause?: string;
  /** hashicorp not-found: no engine mounted there (`no-mount`), or a KV v2 path without data/ (`kv2-path`). */
  reason?: NotFoundReason;
}

export type Live<T> = { state: 'ok'; value: T } | { state: 'error'; error: LiveError };

export interface LiveMount {
  mounted: boolean;
  /** The mount path, when the asked path is a mount. */
  path?: string;
  /** When the asked path is not a mount but lies inside one: that mount (an inline path's engine). */
  enclosingMount?: string;
  type?: string;
  kvVersion?: 1 | 2;
}

export interface LiveSecret {
  /** Key names (never values); undefined when they could not be read. */
  keys: readonly string[] | undefined;
  metadata: SecretMetadata | undefined;
}

/**
 * Secret names of a listing. `cut` is set when the listing stopped before its end (the provider's
 * page cap or deadline); its message says how far it got, e.g. `listed the first 10000 secrets;
 * stopped after 100 pages (a listing reads at most 100)`.
 */
export type LiveListing = readonly string[] & { readonly cut?: { readonly message: string } };

/**
 * Why live facts are or are not available for a vault, for hovers. `untrusted` is an untrusted
 * workspace; `untrusted-address` a credential from the environment that was not sent because the
 * vault's address is not trusted (the CLI, other editors).
 */
export type LiveAccess = 'live' | 'pending' | 'off' | 'untrusted' | 'untrusted-address' | 'no-credentials' | 'unsupported' | 'failed';

/**
 * Facts read from secret managers. Every lookup is synchronous and answers from what is already
 * known: `undefined` means not known (yet). The server's implementation notes each miss and
 * fetches it in the background, then validates again, so the service never waits on a network.
 */
export interface LiveFacts {
  access(vault: VaultFact): LiveAccess;
  /** With access `untrusted-address`: the origin that was not contacted. */
  untrustedAddress?(vault: VaultFact): string | undefined;
  /** The mount that holds `path` (an engine path, or a full inline path). */
  mount(vault: VaultFact, path: string): Live<LiveMount> | undefined;
  secret(vault: VaultFact, locator: SecretLocator): Live<LiveSecret> | undefined;
  capabilities(vault: VaultFact, apiPath: string): Live<readonly string[]> | undefined;
  engines(vault: VaultFact): Live<readonly EngineInfo[]> | undefined;
  list(vault: VaultFact, engine: string | undefined, folder: string): Live<LiveListing> | undefined;
}
