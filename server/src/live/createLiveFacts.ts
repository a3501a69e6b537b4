import type { Connection } from 'vscode-languageserver';
import type { Settings } from '../../../shared/src/settings';
import type { LiveAccess } from '../service/facts/liveFacts';
import { AddressTrust } from './addressTrust';
import { clientCredentials } from './clientCredentials';
import { environmentCredentials } from './credentials';
import { LiveFactsStore } from './liveFactsStore';
import { ProviderRegistry } from './providerRegistry';
import { TtlCache } from './ttlCache';

export interface LiveSetup {
  settings: () => Settings;
  /** False in an untrusted workspace: nothing is contacted and no credential is asked for. */
  trusted: () => boolean;
  onFactsChanged: () => void;
  log: (message: string) => void;
  warn: (message: string) => void;
  /** The connection to the editor, which answers `secretRefs/credential` when it gave a session key. */
  connection?: Connection;
  /** The session key the VS Code client gave this process (see takeSessionKey); none elsewhere. */
  sessionKey?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Where credentials from the environment may go besides VAULT_ADDR, SECRETREFS_TRUSTED_ADDRESSES
   * and the providers' own endpoints (`--trust-address`, the `trustedAddresses` initialization option).
   */
  trustedAddresses?: readonly string[];
  /** Per provider, options for loopback fakes in tests. */
  testing?: Record<string, Record<string, unknown>>;
}

/**
 * Builds the live layer: credentials, providers, cache, store. Two ways to get credentials:
 * - started by the VS Code client (a session key and a connection): only from the client, which
 *   releases a stored or environment credential for an origin the user approved. This process
 *   never reads credentials from its own environment.
 * - the CLI and other editors: from the environment, only for trusted addresses (AddressTrust).
 */
export function createLiveFacts(setup: LiveSetup): LiveFactsStore {
  const env = setup.env ?? process.env;
  const fromClient = setup.connection !== undefined && setup.sessionKey !== undefined;
  const trust = fromClient
    ? undefined
    : AddressTrust.from(env, setup.trustedAddresses ?? [], (rejected, from) =>
        setup.warn(`The trusted address "${rejected.text.slice(0, 200)}" (${from}) is ignored: ${rejected.problem}.`),
      );
  const registry = new ProviderRegistry({
    credentials: fromClient ? clientCredentials(setup.connection!, setup.sessionKey!, setup.log) : environmentCredentials(env),
    ...(trust ? { trust } : {}),
    timeoutMs: () => setup.settings().live.timeoutSeconds * 1000,
    env,
    log: setup.log,
    warn: setup.warn,
    ...(setup.testing ? { testing: setup.testing } : {}),
  });
  const cache = new TtlCache(() => setup.settings().cache.ttlSeconds * 1000);
  return new LiveFactsStore({
    registry,
    cache,
    onFactsChanged: setup.onFactsChanged,
    allowed: (): LiveAccess | true => (!setup.settings().live.enabled ? 'off' : !setup.trusted() ? 'untrusted' : true),
  });
}
