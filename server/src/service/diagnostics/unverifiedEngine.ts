import type { LiveError, LiveFacts } from '../facts/liveFacts';
import type { SecretLocator } from '../../../../shared/src/secretModel';
import type { Located, Problem } from '../model/types';
import type { SecretTarget } from '../references/resolve';

/**
 * HashiCorp engines whose mount and KV version cannot be learned: the vault configuration declares
 * no engines and the server does not say (the token may read neither
 * `sys/internal/ui/mounts/<engine>` nor `sys/mounts`, which is most tokens), or nothing is asked
 * (offline). Never silent:
 * - live, the secret is read as written (a path that starts with `data/` as KV v2, otherwise as
 *   KV v1) and Vault's answer says what is wrong: 403 → permission-denied (the engine itself not
 *   verified), the KV v2 "Invalid path" 404 → kv2-missing-data-prefix, "no handler for route" →
 *   unknown-engine, another 404 → secret-not-found;
 * - `engine-unverified` (a warning) only when no read can settle it: offline, a path that cannot
 *   be read as a secret, a read that failed (unreachable, refused credentials).
 */

const KV2_API = /^(metadata|subkeys|delete|undelete|destroy)\//;

export interface KvAssumption {
  version: 1 | 2;
  /** The path inside the engine as written (a repeated engine removed), `data/...` for KV v2. */
  path: string;
}

/** Whether the vault leaves the engine's mount and KV version to the server (declares no engines). */
function undeclared(target: SecretTarget): boolean {
  return target.provider === 'hashicorp' && !!target.engine && !target.engineFact && !!target.vault && target.vault.engines === undefined;
}

function pathInEngine(target: SecretTarget): string | undefined {
  if (!target.engine || !target.secretPath) return undefined;
  let path = target.secretPath.value.replace(/^\/+/, '');
  if (path.startsWith(`${target.engine.value}/`)) path = path.slice(target.engine.value.length + 1);
  return path;
}

/**
 * The KV version a read assumes when the server would not tell it (the mount lookups were denied)
 * and the vault declares no engines; undefined when the version is known, or when the path cannot
 * be read as a secret (a folder, or a KV v2 API path such as `metadata/...`, or a path with a
 * variable), or when the format's tool inserts `data/` itself (its `data/` rule is not `required`).
 */
export function kvAssumption(target: SecretTarget): KvAssumption | undefined {
  // Only a path that is the API path as written (`data/` required) tells a version; one with a
  // template variable is not read at all.
  if (!undeclared(target) || target.use.dataRule !== 'required' || target.fixedEnd !== undefined) return undefined;
  const live = target.liveMount;
  if (live?.state !== 'error' || live.error.kind !== 'permission-denied') return undefined;
  const path = pathInEngine(target);
  if (path === undefined || path === '' || path.endsWith('/') || path === 'data/' || KV2_API.test(path)) return undefined;
  return { version: path.startsWith('data/') ? 2 : 1, path };
}

const offlineReason: Record<string, string> = {
  off: 'live checks are off (secretRefs.live.enabled)',
  untrusted: 'the workspace is not trusted, so no secret manager is contacted',
  'no-credentials': 'there are no credentials for this vault',
  failed: 'the vault could not be set up for live checks',
  unsupported: 'live checks are not available for it',
};

function unverified(target: SecretTarget, span: Located<unknown>['span'], what: string, grant: string): Problem {
  const engine = target.engine!.value.slice(0, 80);
  return {
    code: 'engine-unverified',
    span,
    message:
      `Engine \`${engine}\` of vault \`${target.vaultName.value}\` could not be verified: ${what}, so neither whether it is mounted nor its KV version (whether the path needs \`data/\`) is known. ` +
      `Declare it under \`engines:\` in the vault configuration (for example \`${engine}: { type: kv, version: 2 }\`), or ${grant}.`,
  };
}

/**
 * engine-unverified for a use whose engine, written apart, nothing can verify and no read will settle:
 * offline, a mount lookup that failed, or a path that cannot be read as a secret. (A read made
 * under an assumed KV version reports through `assumedReadProblems`.)
 */
export function checkUnverifiedEngine(target: SecretTarget, live: LiveFacts | undefined, problems: Problem[]): void {
  if (!undeclared(target) || !target.engine) return;
  const engine = target.engine.value.slice(0, 80);
  const access = live && target.vault?.enabled ? live.access(target.vault) : undefined;
  if (access === undefined || (access !== 'live' && access !== 'pending')) {
    if (target.vault?.enabled === false) return; // vault-disabled says it
    const why = access === undefined ? 'the check runs offline' : (offlineReason[access] ?? 'live checks are not running');
    problems.push(unverified(target, target.engine.span, `the vault configuration declares no engines and ${why}`, `check live with a token that may read \`sys/internal/ui/mounts/${engine}\``));
    return;
  }
  const mount = target.liveMount;
  if (mount?.state !== 'error') return; // still looking, or answered (unknown-engine says when it is not mounted)
  if (mount.error.kind === 'permission-denied') {
    if (kvAssumption(target)) return; // the read as written settles it
    const path = pathInEngine(target) ?? '';
    problems.push(
      unverified(
        target,
        target.engine.span,
        `this token may read neither \`sys/internal/ui/mounts/${engine}\` nor \`sys/mounts\`, and the path \`${path.slice(0, 80)}\` cannot be read as a secret to settle it`,
        `give this token \`read\` on \`sys/internal/ui/mounts/${engine}\``,
      ),
    );
    return;
  }
  // Refused credentials and an unreachable server are said once on the vault name (checkLiveAccess).
  if (VAULT_LEVEL.has(mount.error.kind)) return;
  const cause = (mount.error.cause ?? mount.error.message).slice(0, 200);
  problems.push(unverified(target, target.engine.span, `looking up its mount failed (${cause})`, `give this token \`read\` on \`sys/internal/ui/mounts/${engine}\``));
}

/** Mount lookup failures checkLiveAccess reports on the vault name. */
const VAULT_LEVEL = new Set(['unauthenticated', 'unreachable', 'bad-response']);

/** Failures of a read that say nothing about the engine: the read did not happen or was not answered. */
const UNSETTLED = new Set(['unreachable', 'bad-response', 'unauthenticated', 'invalid-request']);

/**
 * What a read made under an assumed KV version (`locator.kvVersion`) says, when it failed: the
 * problem to report in place of the usual one (undefined: the usual one), and engine-unverified
 * when the read settled nothing.
 */
export function assumedReadProblems(
  error: LiveError,
  target: SecretTarget,
  locator: SecretLocator,
  span: Located<unknown>['span'],
  apiPath: string,
): { replace?: Problem; extra?: Problem } {
  if (!target.engine) return {};
  const engine = target.engine.value.slice(0, 80);
  const vault = `\`${target.vaultName.value}\``;
  if (error.kind === 'not-found' && error.reason === 'no-mount') {
    return {
      replace: {
        code: 'unknown-engine',
        span: target.engine.span,
        message: `No engine is mounted at \`${engine}\` on vault ${vault}: reading \`${apiPath}\` as written, Vault found no engine for the path (HTTP 404, no handler for route).`,
      },
    };
  }
  if (error.kind === 'not-found' && error.reason === 'kv2-path' && target.secretPath) {
    const written = target.secretPath;
    const trimmed = written.value.replace(/^\/+/, '');
    let start = written.span.start + (written.value.length - trimmed.length);
    let inside = trimmed;
    if (inside.startsWith(`${target.engine.value}/`)) {
      start += target.engine.value.length + 1;
      inside = inside.slice(target.engine.value.length + 1);
    }
    return {
      replace: {
        code: 'kv2-missing-data-prefix',
        span: { start: written.span.start, end: Math.max(written.span.end, written.span.start + 1) },
        message: `Engine \`${engine}\` is KV v2 (Vault answered \`${apiPath}\` with its KV v2 "invalid path" warning): the KV v2 API needs \`data/\` between engine and path, so write \`data/${inside.slice(0, 80)}\`.`,
        data: { fix: 'insert', offset: start, text: 'data/', title: 'Insert `data/` (KV v2)' },
      },
    };
  }
  if (error.kind === 'permission-denied') {
    const path = error.apiPath ?? apiPath;
    return {
      replace: {
        code: 'permission-denied',
        span,
        message:
          `Permission denied: the credentials for vault ${vault} lack the \`read\` capability on \`${path}\`. A policy that grants it: path "${path}" { capabilities = ["read"] }. ` +
          `The engine \`${engine}\` itself could not be verified with this token (it may read neither \`sys/internal/ui/mounts/${engine}\` nor \`sys/mounts\`), so it may also not be mounted.`,
      },
    };
  }
  if (UNSETTLED.has(error.kind)) {
    const cause = (error.cause ?? error.message).slice(0, 200);
    return {
      extra: unverified(
        target,
        target.engine.span,
        `this token may not read its mount, and reading \`${apiPath}\` as written (KV v${locator.kvVersion} assumed) did not settle it (${cause})`,
        `give this token \`read\` on \`${apiPath}\``,
      ),
    };
  }
  return {};
}

/**
 * engine-unverified for an inline `VAULT:PATH` of a vault that declares no engines, when the server
 * does not say which mount holds the path (offline, or a token that may not look mounts up): where
 * the engine ends in the path, and so its KV version, are unknown.
 */
export function checkUnverifiedInline(target: SecretTarget, path: Located<string>, live: LiveFacts | undefined, problems: Problem[]): void {
  const vault = target.vault;
  if (target.provider !== 'hashicorp' || !vault || !vault.enabled || vault.engines !== undefined || target.engine) return;
  const trimmed = path.value.replace(/^\/+/, '');
  const first = trimmed.split('/')[0] ?? '';
  const start = path.span.start + (path.value.length - trimmed.length);
  const span = { start, end: start + Math.max(first.length, 1) };
  const access = live ? live.access(vault) : undefined;
  let what: string;
  if (access === undefined || (access !== 'live' && access !== 'pending')) {
    what = `vault \`${target.vaultName.value}\` declares no engines and ${access === undefined ? 'the check runs offline' : (offlineReason[access] ?? 'live checks are not running')}`;
  } else {
    const mount = target.liveMount;
    if (mount?.state !== 'error' || VAULT_LEVEL.has(mount.error.kind)) return;
    what =
      mount.error.kind === 'permission-denied'
        ? `vault \`${target.vaultName.value}\` declares no engines and this token may read neither \`sys/internal/ui/mounts/${trimmed.slice(0, 80)}\` nor \`sys/mounts\``
        : `looking up the mount that holds it failed (${(mount.error.cause ?? mount.error.message).slice(0, 200)})`;
  }
  problems.push({
    code: 'engine-unverified',
    span,
    message: `The engine of this path could not be verified: ${what}, so neither where the engine ends in the path nor its KV version (whether the path needs \`data/\`) is known. Declare the engine under \`engines:\` in the vault configuration, or check live with a token that may read \`sys/internal/ui/mounts/${first.slice(0, 80)}\`.`,
  });
}
