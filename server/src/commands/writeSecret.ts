import type { DescribeWriteResult, SecretTargetParams, WriteSecretParams, WriteSecretResult } from '../../../shared/src/customMessages';
import { hasEngines, providerDescriptor } from '../../../shared/src/providers';
import { unseal, writeBinding } from '../../../shared/src/sealing';
import { isProviderError, type SecretLocator } from '../providers/secretProvider';
import { describeFailure, vaultByUri, type CommandContext } from './context';

function locatorOf(params: SecretTargetParams): SecretLocator {
  return { ...(params.engine ? { engine: params.engine } : {}), path: params.path.replace(/^\/+/, '') };
}

/** Where a write goes (the full API path, with data/ on KV v2) and the version it will create. */
export async function describeWrite(ctx: CommandContext, params: SecretTargetParams): Promise<DescribeWriteResult> {
  const vault = vaultByUri(ctx, params.vaultUri);
  const entry = vault && (await ctx.live()?.providerFor(vault));
  const locator = locatorOf(params);
  if (!vault || !entry) return { apiPath: '', currentVersion: 0, keys: [], error: 'This vault has no live access: sign in first.' };
  let kvVersion: 1 | 2 | undefined;
  if (hasEngines(vault.provider) && locator.engine) kvVersion = await entry.provider.engineVersion(locator.engine).catch(() => undefined);
  const apiPath = providerDescriptor(vault.provider)?.labels.writeTarget(locator, kvVersion) ?? `${vault.provider}: ${locator.path}`;
  try {
    const metadata = await entry.provider.metadata(locator);
    const keys = await entry.provider.keys(locator).catch(() => []);
    const current = metadata.currentVersion ?? (metadata.versions.length ? metadata.versions[metadata.versions.length - 1]!.version : 0);
    return { apiPath, ...(kvVersion ? { kvVersion } : {}), currentVersion: current, ...(typeof current === 'number' ? { nextVersion: current + 1 } : {}), keys };
  } catch (error) {
    if (isProviderError(error) && error.kind === 'not-found') return { apiPath, ...(kvVersion ? { kvVersion } : {}), currentVersion: 0, nextVersion: 1, keys: [] };
    return { apiPath, currentVersion: 0, keys: [], error: describeFailure(error) };
  }
}

/** Writes a new version with check-and-set; the data arrives sealed with the session key. */
export async function writeSecret(ctx: CommandContext, params: WriteSecretParams): Promise<WriteSecretResult> {
  if (!ctx.sessionKey) return { ok: false, reason: 'invalid', message: 'Writing needs the VS Code client (no session key).' };
  const vault = vaultByUri(ctx, params.vaultUri);
  if (!vault) return { ok: false, reason: 'invalid', message: 'No such vault configuration.' };
  const plain = unseal(ctx.sessionKey, params.sealedData, writeBinding(params.vaultUri, params.engine, params.path));
  let data: Record<string, string>;
  try {
    data = JSON.parse(plain ?? 'null') as Record<string, string>;
    if (!data || typeof data !== 'object' || Array.isArray(data) || Object.values(data).some((v) => typeof v !== 'string')) throw new Error();
  } catch {
    return { ok: false, reason: 'invalid', message: 'The data to write could not be read.' };
  }
  if (Object.keys(data).length === 0 || Object.keys(data).some((k) => k.trim() === '')) return { ok: false, reason: 'invalid', message: 'Keys must not be empty.' };
  const live = ctx.live();
  const entry = live && (await live.providerFor(vault));
  if (!live || !entry) return { ok: false, reason: 'no-credentials', message: `Vault "${vault.name}" has no live access: sign in first.` };
  try {
    // A version id (AWS, Azure) is checked by the provider too; dropping it would write unconditionally.
    const cas = typeof params.cas === 'number' || typeof params.cas === 'string' ? params.cas : undefined;
    const result = await entry.provider.write(locatorOf(params), data, cas);
    live.forgetSecret(entry);
    ctx.revalidateAll();
    return result.casRaced ? { ok: true, version: result.version, raced: true } : { ok: true, version: result.version };
  } catch (error) {
    const kind = isProviderError(error) ? error.kind : undefined;
    // A secret whose state forbids the write (scheduled for deletion, deleted but recoverable) is
    // not a transport failure: the message says how to restore it.
    const invalid = kind === 'invalid-request' || kind === 'disabled' || kind === 'deleted';
    const reason = kind === 'cas-conflict' ? 'cas-conflict' : kind === 'permission-denied' || kind === 'unauthenticated' ? 'permission-denied' : invalid ? 'invalid' : 'unreachable';
    return { ok: false, reason, message: describeFailure(error) };
  }
}
