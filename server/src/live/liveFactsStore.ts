import { isProviderError, type SecretLocator } from '../providers/secretProvider';
import type { VaultFact } from '../service/facts/facts';
import type { Live, LiveAccess, LiveError, LiveFacts, LiveListing, LiveMount, LiveSecret } from '../service/facts/liveFacts';
import type { ProviderEntry, ProviderRegistry } from './providerRegistry';
import type { Settled, TtlCache } from './ttlCache';

export interface LiveFactsStoreOptions {
  registry: ProviderRegistry;
  cache: TtlCache;
  /** Called (debounced) when facts arrived that earlier lookups missed. */
  onFactsChanged: () => void;
  /** False when live checks are off or the workspace is untrusted. */
  allowed: () => LiveAccess | true;
}

function toLiveError(error: unknown): LiveError {
  if (isProviderError(error)) {
    return {
      kind: error.kind,
      message: error.message,
      apiPath: error.details.apiPath,
      deletionTime: error.details.deletionTime,
      cause: error.details.cause,
      ...(error.details.reason ? { reason: error.details.reason } : {}),
    };
  }
  return { kind: 'bad-response', message: 'unexpected failure', cause: error instanceof Error ? error.name : 'unexpected failure' };
}

function toLive<T>(settled: Settled<T>): Live<T> {
  return settled.ok ? { state: 'ok', value: settled.value } : { state: 'error', error: toLiveError(settled.error) };
}

/** Failures that a recovered secret manager clears: checked again once their short TTL is over. */
const TRANSIENT_FAILURES = new Set(['unreachable', 'bad-response']);
/** A secret manager that stays down is asked again at most this often (the cache may keep failures 1 s). */
const MIN_RECHECK_MS = 5_000;

/**
 * The live facts the language service reads. A lookup answers from the cache; a miss starts a
 * background load (shared with identical loads) and, once it settles, asks for re-validation.
 * A transient failure (unreachable, bad response) asks for re-validation again once it has
 * expired from the cache, so a secret manager that recovers is seen without an edit.
 */
export class LiveFactsStore implements LiveFacts {
  private inFlight = new Set<Promise<unknown>>();
  private notifyTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly recheckTimers = new Set<ReturnType<typeof setTimeout>>();
  private missCount = 0;

  constructor(private readonly options: LiveFactsStoreOptions) {}

  access(vault: VaultFact): LiveAccess {
    const allowed = this.options.allowed();
    if (allowed !== true) return allowed;
    if (!vault.enabled) return 'off';
    const access = this.options.registry.access(vault);
    if (access === 'pending') {
      this.missCount++;
      this.track(this.options.registry.get(vault));
    }
    return access;
  }

  untrustedAddress(vault: VaultFact): string | undefined {
    return this.options.registry.untrustedAddress(vault);
  }

  /**
   * How many lookups so far found a fact not known yet (loading, or its load just started). An
   * answer during which this did not change needed nothing that is still to come.
   */
  misses(): number {
    return this.missCount;
  }

  mount(vault: VaultFact, path: string): Live<LiveMount> | undefined {
    return this.lookup(vault, `mount|${path}`, async (entry) => {
      const info = entry.provider.mountInfo ? await entry.provider.mountInfo(path) : undefined;
      if (info) return info as LiveMount;
      const version = await entry.provider.engineVersion(path);
      return { mounted: version !== undefined, path, type: version ? 'kv' : undefined, kvVersion: version };
    });
  }

  secret(vault: VaultFact, locator: SecretLocator): Live<LiveSecret> | undefined {
    const id = `secret|${locator.engine ?? ''}|${locator.path}|${String(locator.version ?? '')}|${locator.stage ?? ''}|${locator.kvVersion ?? ''}`;
    return this.lookup(vault, id, async (entry) => {
      if (entry.provider.describe) {
        // Cloud providers: one value read gives the key names (values dropped) and JSON-ness.
        const described = await entry.provider.describe(locator);
        // Undefined keys mean plain text, unless the version could not be read at all (disabled).
        const unreadable = described.metadata.enabled === false;
        const json = described.metadata.json ?? (unreadable ? undefined : described.keys !== undefined);
        return { keys: described.keys, metadata: { ...described.metadata, ...(json === undefined ? {} : { json }) } };
      }
      const keys = await entry.provider.keys(locator);
      let metadata: LiveSecret['metadata'];
      try {
        metadata = await entry.provider.metadata(locator);
      } catch (error) {
        // Reading a secret may be allowed while its metadata is not: keys alone are enough.
        if (!(isProviderError(error)) || error.kind !== 'permission-denied') throw error;
      }
      return { keys, metadata };
    });
  }

  capabilities(vault: VaultFact, apiPath: string): Live<readonly string[]> | undefined {
    return this.lookup(vault, `caps|${apiPath}`, (entry) => entry.provider.capabilities(apiPath));
  }

  engines(vault: VaultFact): Live<readonly import('../providers/secretProvider').EngineInfo[]> | undefined {
    return this.lookup(vault, 'engines', (entry) => entry.provider.listEngines());
  }

  /** The names, with the provider's `cut` kept when a page cap or deadline stopped the listing. */
  list(vault: VaultFact, engine: string | undefined, folder: string): Live<LiveListing> | undefined {
    return this.lookup<LiveListing>(vault, `list|${engine ?? ''}|${folder}`, (entry) => entry.provider.list(engine, folder));
  }

  /** When the vault's token expires (epoch ms; 0 = never), when known; loads it in the background otherwise. */
  tokenExpiry(vault: VaultFact): number | undefined {
    const fact = this.tokenFact(vault);
    return fact?.state === 'ok' ? fact.value : undefined;
  }

  /** Whether the vault answered its last token lookup: false when it could not be reached or refused the token. */
  reachable(vault: VaultFact): boolean {
    const fact = this.tokenFact(vault);
    return !(fact?.state === 'error' && ['unreachable', 'unauthenticated', 'bad-response'].includes(fact.error.kind));
  }

  private tokenFact(vault: VaultFact): Live<number | undefined> | undefined {
    return this.lookup(vault, 'token', async (entry) => {
      if (!entry.provider.tokenInfo) return undefined;
      const info = await entry.provider.tokenInfo();
      return info.ttlSeconds === 0 ? 0 : Date.now() + info.ttlSeconds * 1000;
    });
  }

  /** The provider of a vault, for the editor's commands; undefined when it has no live access. */
  async providerFor(vault: VaultFact): Promise<ProviderEntry | undefined> {
    if (this.options.allowed() !== true || !vault.enabled) return undefined;
    return this.options.registry.get(vault);
  }

  /** Forgets the facts of one vault's secret after a write, so the next lookup reads again. */
  forgetSecret(entry: ProviderEntry): void {
    this.options.cache.clearPrefix(`${entry.key}|secret|`);
    this.options.cache.clearPrefix(`${entry.key}|list|`);
  }

  /** Resolves when every load in flight has settled, or after `budgetMs`, whichever is first. */
  async settle(budgetMs: number): Promise<void> {
    const deadline = Date.now() + budgetMs;
    while (this.inFlight.size > 0 && Date.now() < deadline) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => (timer = setTimeout(r, Math.max(0, deadline - Date.now()))))]);
      if (timer) clearTimeout(timer);
    }
  }

  pending(): number {
    return this.inFlight.size;
  }

  /** Forgets every fact and every provider. */
  reset(): void {
    this.clearRechecks();
    this.options.cache.clear();
    this.options.registry.clear();
  }

  private lookup<T>(vault: VaultFact, what: string, load: (entry: ProviderEntry) => Promise<T>): Live<T> | undefined {
    if (this.options.allowed() !== true || !vault.enabled) return undefined;
    const registry = this.options.registry;
    const access = registry.access(vault);
    if (access !== 'live' && access !== 'pending') return undefined;
    const resolved = registry.peek(vault);
    if (resolved) {
      const key = `${resolved.key}|${what}`;
      const settled = this.options.cache.peek<T>(key);
      if (settled) return toLive(settled);
      this.missCount++;
      if (!this.options.cache.isLoading(key)) this.track(this.options.cache.load(key, () => load(resolved)).then((s) => this.recheckWhenExpired(key, s)));
      return undefined;
    }
    this.missCount++;
    this.track(registry.get(vault));
    return undefined;
  }

  /** After a transient failure, re-validation once the cache has let it go (see TtlCache). */
  private recheckWhenExpired(key: string, settled: Settled<unknown>): void {
    if (settled.ok || !TRANSIENT_FAILURES.has(toLiveError(settled.error).kind)) return;
    const ms = this.options.cache.expiresIn(key);
    if (ms === undefined) return;
    const timer = setTimeout(() => {
      this.recheckTimers.delete(timer);
      this.scheduleNotify();
    }, Math.max(ms + 1, MIN_RECHECK_MS));
    timer.unref?.();
    this.recheckTimers.add(timer);
  }

  private clearRechecks(): void {
    for (const timer of this.recheckTimers) clearTimeout(timer);
    this.recheckTimers.clear();
  }

  private track(promise: Promise<unknown>): void {
    this.inFlight.add(promise);
    void promise.finally(() => {
      this.inFlight.delete(promise);
      this.scheduleNotify();
    });
  }

  private scheduleNotify(): void {
    if (this.notifyTimer) return;
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = undefined;
      this.options.onFactsChanged();
    }, 20);
  }

  dispose(): void {
    if (this.notifyTimer) clearTimeout(this.notifyTimer);
    this.reset();
  }
}
