import { normalizeEnginePath } from '../model/vaultConfigModel';
import type { EngineFact, VaultFact, VaultSet } from '../facts/vaults';
import type { Live, LiveFacts, LiveMount } from '../facts/liveFacts';
import type { FormatAnalysis, KeyRead, SecretUse } from '../formats/facts';
import type { Located, Provider } from '../model/types';
import { readPath } from './dataRule';
import { enclosingEngine, engineFactOf, isUnder } from './engines';
import { linkKey, resolveVaultLink } from './vaultLink';

export { lookupVault } from './vaultLink';

/** The secret a use names, resolved against the facts: vault, engine, path, and what the secret manager said. */
export interface SecretTarget {
  /** The use it resolves (its `data/` rule, variables, pins). */
  use: SecretUse;
  vaultName: Located<string>;
  /** The one configuration the use links to; undefined when none or several match. */
  vault: VaultFact | undefined;
  provider: Provider | undefined;
  /** hashicorp: engine path and the path inside it (undefined when unknown). */
  engine: Located<string> | undefined;
  engineFact: EngineFact | undefined;
  secretPath: Located<string> | undefined;
  /** aws, azure, gcp, local: the secret's name. */
  secretName: Located<string> | undefined;
  /** Stable identity of the secret within a folder: `vault|engine/path` or `vault|name`. */
  id: string;
  /** What the secret manager said about the engine, when asked. */
  liveMount: Live<LiveMount> | undefined;
  /** The document offset where the use's path stops being fixed (a template variable); undefined: all fixed. */
  fixedEnd: number | undefined;
}

/**
 * Resolves a use against the vault configurations (its link), the engines they declare and the
 * live mounts. Undefined when the use names no vault. An engine written apart (`mount: separate`)
 * is looked up as written; an engine in the path (`in-path`) is the live mount that holds the path,
 * else the longest declared engine that prefixes its fixed part.
 */
export function targetOf(use: SecretUse, vaults: VaultSet, live?: LiveFacts): SecretTarget | undefined {
  if (!use.vault) return undefined;
  const { vault, vaultName } = resolveVaultLink(use.vault, vaults);
  const key = linkKey(use.vault);
  const fixedEnd = use.variableAt !== undefined && use.path ? use.path.span.start + use.variableAt : undefined;
  const target: SecretTarget = {
    use,
    vaultName,
    vault,
    provider: vault?.provider,
    engine: undefined,
    engineFact: undefined,
    secretPath: undefined,
    secretName: undefined,
    id: '',
    liveMount: undefined,
    fixedEnd,
  };
  if (use.mount === 'separate') return separateEngine(target, key, live);
  return engineInPath(target, key, live);
}

function separateEngine(target: SecretTarget, key: string, live: LiveFacts | undefined): SecretTarget {
  const { use } = target;
  const engine = use.engine ? { ...use.engine, value: normalizeEnginePath(use.engine.value) } : undefined;
  const { fact, liveMount } = engine ? engineFactOf(target.vault, engine.value, live) : { fact: undefined, liveMount: undefined };
  const inside = use.path?.value.replace(/^\/+/, '');
  target.engine = engine;
  target.engineFact = fact;
  target.liveMount = liveMount;
  target.secretPath = use.path;
  target.secretName = use.name;
  target.id = engine && inside !== undefined ? `${key}|${engine.value}/${inside}` : `${key}|${use.name?.value ?? ''}`;
  return target;
}

function engineInPath(target: SecretTarget, key: string, live: LiveFacts | undefined): SecretTarget {
  const { use, vault } = target;
  const path = use.path ?? use.name;
  if (!path) {
    target.id = `${key}|`;
    return target;
  }
  const full = path.value.charCodeAt(0) === 0x2f ? path.value.replace(/^\/+/, '') : path.value;
  target.id = `${key}|${full}`;
  if (vault?.provider !== 'hashicorp') {
    if (vault) target.secretName = use.name ?? path;
    return target;
  }
  const lead = path.value.length - full.length;
  const fixed = use.variableAt === undefined ? full : full.slice(0, Math.max(0, use.variableAt - lead));
  const { fact: engineFact, liveMount } = enclosingEngine(vault, full, fixed, live);
  target.liveMount = liveMount;
  if (!engineFact || !isUnder(fixed, engineFact.path)) return target;
  const offset = path.span.start + lead;
  const split = offset + engineFact.path.length + 1;
  target.engine = { value: engineFact.path, span: { start: offset, end: offset + engineFact.path.length } };
  target.engineFact = engineFact;
  target.secretPath = { value: full.slice(engineFact.path.length + 1), span: { start: split, end: path.span.end } };
  return target;
}

/** A key read with the use it reads and that use's target. */
export interface ResolvedRead {
  read: KeyRead;
  use: SecretUse | undefined;
  target: SecretTarget | undefined;
}

/** One target per use of a document, in order. */
export function targetsOf(analysis: FormatAnalysis, vaults: VaultSet, live?: LiveFacts): (SecretTarget | undefined)[] {
  return analysis.uses.map((use) => targetOf(use, vaults, live));
}

/** Each read with its use and target (the targets of `targetsOf`, shared by the reads of one use). */
export function resolveReads(analysis: FormatAnalysis, targets: readonly (SecretTarget | undefined)[]): ResolvedRead[] {
  return analysis.reads.map((read) => ({
    read,
    use: read.use === undefined ? undefined : analysis.uses[read.use],
    target: read.use === undefined ? undefined : targets[read.use],
  }));
}

/**
 * The Vault HTTP API path a hashicorp target reads, e.g. `/v1/secret/data/oracle`: the path as
 * written, with `data/` where the format's tool inserts it (`references/dataRule.ts`).
 */
export function apiPath(target: SecretTarget): string | undefined {
  if (!target.engine || !target.secretPath) return undefined;
  const inside = target.secretPath.value.replace(/^\/+/, '');
  return `/v1/${target.engine.value}/${readPath(inside, target.use.dataRule, target.engineFact?.kvVersion)}`;
}
