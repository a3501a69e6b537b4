import type { Connection } from 'vscode-languageserver';
import type { Settings } from '../../../shared/src/settings';
import { sessionKeyEnv } from '../../../shared/src/sealing';
import type { LiveAccess } from '../service/facts/liveFacts';
import { clientCredentials } from './clientCredentials';
import { environmentCredentials, firstCredential, type CredentialSource } from './credentials';
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
  /** The editor's secret storage, when the client offers it. */
  connection?: Connection;
  env?: NodeJS.ProcessEnv;
  credentials?: CredentialSource;
  /** Per provider, options for loopback fakes in tests. */
  testing?: Record<string, Record<string, unknown>>;
}

/** Builds the live layer: credentials (editor first, then environment), providers, cache, store. */
export function createLiveFacts(setup: LiveSetup): LiveFactsStore {
  const env = setup.env ?? process.env;
  const sessionKey = env[sessionKeyEnv];
  const sources: CredentialSource[] = [];
  if (setup.credentials) sources.push(setup.credentials);
  if (setup.connection && sessionKey) sources.push(clientCredentials(setup.connection, sessionKey, setup.log));
  sources.push(environmentCredentials(env));
  const registry = new ProviderRegistry({
    credentials: firstCredential(...sources),
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
