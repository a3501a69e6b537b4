import { normalizeEnginePath } from '../model/vaultConfigModel';
import type { EngineFact, VaultFact, VaultSet } from '../facts/facts';
import type { Live, LiveFacts, LiveMount } from '../facts/liveFacts';
import type { Attachment, ConnectionModel, Located, Problem, Provider, Reference } from '../model/types';
import { nearestNames } from '../text/nearest';

/** The secret a reference or attachment points at, with what the facts say about it. */
export interface SecretTarget {
  vaultName: Located<string>;
  /** The one configuration of that name; undefined when none or several exist. */
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
}

/**
 * What is known about an engine: the live mount when the secret manager answered, else the
 * declaration. A live answer that the path is not a mount of its own gives no fact.
 */
function engineFactOf(vault: VaultFact | undefined, engine: string, live: LiveFacts | undefined): { fact: EngineFact | undefined; liveMount: Live<LiveMount> | undefined } {
  const liveMount = vault && vault.provider === 'hashicorp' && vault.enabled && live ? live.mount(vault, engine) : undefined;
  if (liveMount?.state === 'ok') {
    const m = liveMount.value;
    if (!m.mounted || m.path !== engine) return { fact: undefined, liveMount };
    return { fact: { path: engine, type: m.type, kvVersion: m.kvVersion, source: 'live' }, liveMount };
  }
  return { fact: vault?.engines?.find((e) => e.path === engine), liveMount };
}

export function lookupVault(vaults: VaultSet, name: string): VaultFact | undefined {
  const found = vaults.byName.get(name);
  return found && found.length === 1 ? found[0] : undefined;
}

export function targetOfAttachment(attachment: Attachment, vaults: VaultSet, live?: LiveFacts): SecretTarget | undefined {
  const vaultName = attachment.vault;
  if (!vaultName) return undefined;
  const vault = lookupVault(vaults, vaultName.value);
  const engine = attachment.engine ? { ...attachment.engine, value: normalizeEnginePath(attachment.engine.value) } : undefined;
  const { fact: engineFact, liveMount } = engine ? engineFactOf(vault, engine.value, live) : { fact: undefined, liveMount: undefined };
  const inside = attachment.path?.value.replace(/^\/+/, '');
  return {
    vaultName,
    vault,
    provider: vault?.provider,
    engine,
    engineFact,
    secretPath: attachment.path,
    secretName: attachment.secret,
    liveMount,
    id: engine && inside !== undefined ? `${vaultName.value}|${engine.value}/${inside}` : `${vaultName.value}|${attachment.secret?.value ?? ''}`,
  };
}

/**
 * The target of an inline reference. For hashicorp the engine is the longest declared engine
 * that prefixes the path; with no declared engines the split is unknown.
 */
export function targetOfInline(inline: NonNullable<Reference['inline']>, vaults: VaultSet, live?: LiveFacts): SecretTarget {
  const vault = lookupVault(vaults, inline.vault.value);
  const path = inline.path;
  const full = path.value.charCodeAt(0) === 0x2f ? path.value.replace(/^\/+/, '') : path.value;
  const target: SecretTarget = {
    vaultName: inline.vault,
    vault,
    provider: vault?.provider,
    id: `${inline.vault.value}|${full}`,
    liveMount: undefined,
    engine: undefined,
    engineFact: undefined,
    secretPath: undefined,
    secretName: undefined,
  };
  if (vault?.provider !== 'hashicorp') {
    if (vault) target.secretName = path;
    return target;
  }
  // The live mount that holds the path names the engine; else (not known yet, or no live access)
  // the longest declared engine.
  const held = vault.enabled && live ? live.mount(vault, full) : undefined;
  const enclosing = held?.state === 'ok' ? (held.value.mounted ? held.value.path : held.value.enclosingMount) : undefined;
  let liveMount: Live<LiveMount> | undefined = held;
  let engineFact: EngineFact | undefined;
  if (enclosing !== undefined && live) {
    liveMount = live.mount(vault, enclosing);
    engineFact =
      liveMount?.state === 'ok' && liveMount.value.mounted
        ? { path: enclosing, type: liveMount.value.type, kvVersion: liveMount.value.kvVersion, source: 'live' }
        : liveMount === undefined
          ? longestEngine(full, vault.engines ?? [])
          : undefined;
  } else {
    engineFact = held?.state === 'ok' ? undefined : longestEngine(full, vault.engines ?? []);
  }
  target.liveMount = liveMount;
  if (!engineFact || !isUnder(full, engineFact.path)) return target;
  const offset = path.span.start + (path.value.length - full.length);
  const split = offset + engineFact.path.length + 1;
  target.engine = { value: engineFact.path, span: { start: offset, end: offset + engineFact.path.length } };
  target.engineFact = engineFact;
  target.secretPath = { value: full.slice(engineFact.path.length + 1), span: { start: split, end: path.span.end } };
  return target;
}

/** Whether `path` lies below the engine path `engine` (`engine/...`). */
function isUnder(path: string, engine: string): boolean {
  return path.length > engine.length && path.charCodeAt(engine.length) === 0x2f && path.startsWith(engine);
}

function longestEngine(fullPath: string, engines: readonly EngineFact[]): EngineFact | undefined {
  let best: EngineFact | undefined;
  for (const engine of engines) {
    if (isUnder(fullPath, engine.path) && (!best || engine.path.length > best.path.length)) best = engine;
  }
  return best;
}

export interface ResolvedReference {
  reference: Reference;
  attachment: Attachment | undefined;
  target: SecretTarget | undefined;
  /** The key inside the secret (`*` for the whole secret). */
  key: Located<string> | undefined;
  problem: Problem | undefined;
}

/** Targets of attachments already worked out, shared by the references of one connection. */
export type TargetMemo = Map<Attachment, SecretTarget | undefined>;

function memoTarget(attachment: Attachment, vaults: VaultSet, live: LiveFacts | undefined, memo: TargetMemo | undefined): SecretTarget | undefined {
  if (!memo) return targetOfAttachment(attachment, vaults, live);
  if (memo.has(attachment)) return memo.get(attachment);
  const target = targetOfAttachment(attachment, vaults, live);
  memo.set(attachment, target);
  return target;
}

/**
 * Decides which attached secret (or inline target) a reference reads, and which key. Callers that
 * resolve many references of one connection pass a `memo`, so each attachment's target is worked
 * out once (references share the target object).
 */
export function resolveReference(reference: Reference, connection: ConnectionModel, vaults: VaultSet, live?: LiveFacts, memo?: TargetMemo): ResolvedReference {
  if (reference.inline) {
    return { reference, attachment: undefined, target: targetOfInline(reference.inline, vaults, live), key: reference.inline.key, problem: undefined };
  }
  const argument = reference.argument;
  const attachments = connection.attachments;
  if (attachments.length === 0) {
    return {
      reference,
      attachment: undefined,
      target: undefined,
      key: undefined,
      problem: {
        code: 'no-attached-secret',
        span: reference.span,
        message:
          'This connection attaches no secret: add an entry under `vault_secrets`, or name the secret inline as `vault.secret(VAULT:PATH.KEY)`.',
      },
    };
  }
  const dot = argument.value.indexOf('.');
  if (dot > 0) {
    const alias = argument.value.slice(0, dot);
    const attachment = attachments.find((a) => a.alias?.value === alias);
    if (attachment) {
      const keyStart = argument.span.start + dot + 1;
      return {
        reference,
        attachment,
        target: memoTarget(attachment, vaults, live, memo),
        key: { value: argument.value.slice(dot + 1), span: { start: keyStart, end: argument.span.end } },
        problem: undefined,
      };
    }
  }
  if (attachments.length === 1) {
    const attachment = attachments[0]!;
    return { reference, attachment, target: memoTarget(attachment, vaults, live, memo), key: argument, problem: undefined };
  }
  const aliases = attachments.flatMap((a) => (a.alias ? [a.alias.value] : []));
  if (dot > 0 && aliases.length > 0) {
    const alias = argument.value.slice(0, dot);
    const near = nearestNames(alias, aliases, 1);
    return {
      reference,
      attachment: undefined,
      target: undefined,
      key: undefined,
      problem: {
        code: 'unknown-alias',
        span: { start: argument.span.start, end: argument.span.start + dot },
        message: `No attached secret has the alias \`${alias.slice(0, 60)}\`.${near.length ? ` Did you mean \`${near[0]}\`?` : ''} Aliases here: ${aliases.join(', ')}.`,
        ...(near.length ? { data: { fix: 'replace', start: argument.span.start, end: argument.span.start + dot, text: near[0]!, title: `Change to \`${near[0]}\`` } } : {}),
      },
    };
  }
  return {
    reference,
    attachment: undefined,
    target: undefined,
    key: undefined,
    problem: {
      code: 'ambiguous-reference',
      span: reference.span,
      message: `${attachments.length} secrets are attached: give each an \`alias\` and write \`vault.secret(ALIAS.KEY)\`${aliases.length ? ` (aliases here: ${aliases.join(', ')})` : ''}.`,
    },
  };
}

/** The Vault HTTP API path a hashicorp target reads, e.g. `/v1/secret/data/oracle`. */
export function apiPath(target: SecretTarget): string | undefined {
  if (!target.engine || !target.secretPath) return undefined;
  return `/v1/${target.engine.value}/${target.secretPath.value.replace(/^\/+/, '')}`;
}
