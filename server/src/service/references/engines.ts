import type { EngineFact, VaultFact } from '../facts/vaults';
import type { Live, LiveFacts, LiveMount } from '../facts/liveFacts';

/**
 * What is known about an engine: the live mount when the secret manager answered, else the
 * declaration. A live answer that the path is not a mount of its own gives no fact.
 */
export function engineFactOf(vault: VaultFact | undefined, engine: string, live: LiveFacts | undefined): { fact: EngineFact | undefined; liveMount: Live<LiveMount> | undefined } {
  const liveMount = vault && vault.provider === 'hashicorp' && vault.enabled && live ? live.mount(vault, engine) : undefined;
  if (liveMount?.state === 'ok') {
    const m = liveMount.value;
    if (!m.mounted || m.path !== engine) return { fact: undefined, liveMount };
    return { fact: { path: engine, type: m.type, kvVersion: m.kvVersion, source: 'live' }, liveMount };
  }
  return { fact: vault?.engines?.find((e) => e.path === engine), liveMount };
}

/** Whether `path` lies below the engine path `engine` (`engine/...`). */
export function isUnder(path: string, engine: string): boolean {
  return path.length > engine.length && path.charCodeAt(engine.length) === 0x2f && path.startsWith(engine);
}

/** The longest declared engine that `fullPath` lies below. */
export function longestEngine(fullPath: string, engines: readonly EngineFact[]): EngineFact | undefined {
  let best: EngineFact | undefined;
  for (const engine of engines) {
    if (isUnder(fullPath, engine.path) && (!best || engine.path.length > best.path.length)) best = engine;
  }
  return best;
}

/**
 * The engine that holds a full path (`ENGINE/PATH`): the live mount that holds it when the secret
 * manager said, else (not known yet, or no live access) the longest declared engine. `fixed` is the
 * part of the path before any template variable: a path with a variable is not looked up live.
 */
export function enclosingEngine(vault: VaultFact, full: string, fixed: string, live: LiveFacts | undefined): { fact: EngineFact | undefined; liveMount: Live<LiveMount> | undefined } {
  const held = vault.enabled && live && fixed === full ? live.mount(vault, full) : undefined;
  const enclosing = held?.state === 'ok' ? (held.value.mounted ? held.value.path : held.value.enclosingMount) : undefined;
  if (enclosing !== undefined && live) {
    const liveMount = live.mount(vault, enclosing);
    const fact: EngineFact | undefined =
      liveMount?.state === 'ok' && liveMount.value.mounted
        ? { path: enclosing, type: liveMount.value.type, kvVersion: liveMount.value.kvVersion, source: 'live' }
        : liveMount === undefined
          ? longestEngine(fixed, vault.engines ?? [])
          : undefined;
    return { fact, liveMount };
  }
  return { fact: held?.state === 'ok' ? undefined : longestEngine(fixed, vault.engines ?? []), liveMount: held };
}
