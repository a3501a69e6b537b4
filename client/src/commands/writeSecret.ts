/**
 * Write Secret...: vault → (HashiCorp) engine → path, browsed level by level → keys and values →
 * a confirmation that shows the full API path and the version the write creates → a
 * check-and-set write. A conflict is reported with an offer to reload; nothing is ever
 * overwritten without the user confirming what they are overwriting.
 */
import type * as vscode from 'vscode';
import {
  browseRequest,
  describeWriteRequest,
  writeSecretRequest,
  type BrowseParams,
  type BrowseResult,
  type DescribeWriteResult,
  type SecretTargetParams,
  type VaultSummary,
  type WriteSecretParams,
  type WriteSecretResult,
} from '../../../shared/src/customMessages';
import { hasEngines } from '../../../shared/src/providers';
import { seal, writeBinding } from '../../../shared/src/sealing';
import { displayName } from '../constants';
import { pickVault, requireServer, requireTrust, send, type CommandContext, type ServerSession } from './context';

interface Item<T> extends vscode.QuickPickItem {
  id: T;
}

export interface WriteTarget {
  vault: VaultSummary;
  engine?: string;
  kvVersion?: 1 | 2;
  path: string;
}

function fail(ctx: CommandContext, message: string): undefined {
  void ctx.window.showErrorMessage(`${displayName}: ${message}`);
  return undefined;
}

export async function pickEngine(ctx: CommandContext, session: ServerSession, vault: VaultSummary): Promise<{ path: string; kvVersion?: 1 | 2 } | undefined> {
  const params: BrowseParams = { vaultUri: vault.uri };
  const result = await send<BrowseResult>(ctx, session, browseRequest, params, `Listing the engines of "${vault.name}"`);
  if (result === undefined) return undefined;
  if (result.error) return fail(ctx, `cannot list the engines of "${vault.name}": ${result.error}`);
  const engines = result.engines ?? [];
  if (engines.length === 0) return fail(ctx, `vault "${vault.name}" has no KV engine this token can see.`);
  const picked = await ctx.window.showQuickPick(
    engines.map((e): Item<{ path: string; kvVersion?: 1 | 2 }> => ({
      label: e.path,
      description: e.kvVersion !== undefined ? `KV v${e.kvVersion}` : 'KV (version unknown)',
      id: e,
    })),
    { placeHolder: `Engine of "${vault.name}"`, ignoreFocusOut: true },
  );
  return picked?.id;
}

export function secretNameProblem(text: string): string | undefined {
  if (text.trim() === '') return 'Enter the name of the secret.';
  if (text !== text.trim()) return 'The name cannot start or end with spaces.';
  if (text.startsWith('/') || text.endsWith('/')) return 'The name cannot start or end with "/".';
  if (text.includes('//')) return 'The name cannot contain an empty path segment ("//").';
  return undefined;
}

type PathChoice = { kind: 'new' } | { kind: 'up' } | { kind: 'folder'; name: string } | { kind: 'secret'; name: string };

/** Browses the engine (or, for other providers, the secret names) and returns the chosen path. */
export async function pickPath(ctx: CommandContext, session: ServerSession, vault: VaultSummary, engine?: string): Promise<string | undefined> {
  let folder = '';
  for (;;) {
    const params: BrowseParams = engine !== undefined ? { vaultUri: vault.uri, engine, folder } : { vaultUri: vault.uri };
    const result = await send<BrowseResult>(ctx, session, browseRequest, params, `Listing "${vault.name}"`);
    if (result === undefined) return undefined;
    const where = engine !== undefined ? `${engine}/${folder}` : vault.name;
    const items: Item<PathChoice>[] = [{ label: '$(add) New secret here...', description: where, id: { kind: 'new' } }];
    if (folder !== '') items.push({ label: '$(arrow-up) ..', description: 'Up one folder', id: { kind: 'up' } });
    for (const entry of result.entries ?? []) {
      if (entry.endsWith('/')) items.push({ label: `$(folder) ${entry}`, id: { kind: 'folder', name: entry } });
      else items.push({ label: `$(key) ${entry}`, id: { kind: 'secret', name: entry } });
    }
    const placeHolder = result.error
      ? `Cannot list ${where}: ${result.error}. Choose "New secret here..." to type a name.`
      : result.note
        ? `Secret in ${where} (${result.note}; choose "New secret here..." to type another name)`
        : `Secret in ${where}`;
    const picked = await ctx.window.showQuickPick(items, { placeHolder, ignoreFocusOut: true, matchOnDescription: false });
    if (picked === undefined) return undefined;
    const choice = picked.id;
    switch (choice.kind) {
      case 'folder':
        folder += choice.name;
        continue;
      case 'up': {
        const trimmed = folder.slice(0, -1);
        folder = trimmed.includes('/') ? trimmed.slice(0, trimmed.lastIndexOf('/') + 1) : '';
        continue;
      }
      case 'secret':
        return folder + choice.name;
      case 'new': {
        const name = await ctx.window.showInputBox({
          title: 'New secret',
          prompt: engine !== undefined ? `Name of the new secret in ${where} (may contain "/")` : `Name of the new secret in ${vault.name}`,
          ignoreFocusOut: true,
          validateInput: secretNameProblem,
        });
        if (name === undefined) return undefined;
        return folder + name;
      }
    }
  }
}

export function keyProblem(text: string, taken: ReadonlySet<string>): string | undefined {
  if (text.trim() === '') return 'Enter a key name.';
  if (text !== text.trim()) return 'A key cannot start or end with spaces.';
  if (taken.has(text)) return `Key "${text}" is already set; pick it in the list to change its value.`;
  return undefined;
}

type KeyChoice = { kind: 'done' } | { kind: 'add' } | { kind: 'set'; key: string } | { kind: 'remove'; key: string };

/**
 * The keys and values of the new version. `data` holds what was entered so far (kept across a
 * reload); values are taken exactly as given, newlines included. Undefined when cancelled.
 */
async function editData(ctx: CommandContext, description: DescribeWriteResult, data: Map<string, string>): Promise<Map<string, string> | undefined> {
  const entered = new Map(data);
  for (;;) {
    const items: Item<KeyChoice>[] = [];
    if (entered.size > 0) {
      items.push({ label: '$(check) Done', description: `${entered.size} key${entered.size === 1 ? '' : 's'}: ${[...entered.keys()].join(', ')}`, id: { kind: 'done' } });
    }
    items.push({ label: '$(add) Add a key...', id: { kind: 'add' } });
    for (const key of entered.keys()) items.push({ label: `$(edit) ${key}`, description: 'value entered · change it', id: { kind: 'set', key } });
    for (const key of entered.keys()) items.push({ label: `$(trash) Remove ${key}`, description: 'from the new version', id: { kind: 'remove', key } });
    for (const key of description.keys) {
      if (!entered.has(key)) items.push({ label: `$(key) ${key}`, description: `in version ${description.currentVersion} · enter its new value`, id: { kind: 'set', key } });
    }
    const picked = await ctx.window.showQuickPick(items, {
      placeHolder: 'Keys of the new version (values are entered hidden)',
      ignoreFocusOut: true,
    });
    if (picked === undefined) return undefined;
    const choice = picked.id;
    if (choice.kind === 'done') return entered;
    if (choice.kind === 'remove') {
      entered.delete(choice.key);
      continue;
    }
    let key: string;
    if (choice.kind === 'add') {
      const taken = new Set(entered.keys());
      const typed = await ctx.window.showInputBox({
        title: 'Add a key',
        prompt: 'Key name',
        ignoreFocusOut: true,
        validateInput: (text) => keyProblem(text, taken),
      });
      if (typed === undefined) continue;
      key = typed;
    } else {
      key = choice.key;
    }
    const value = await ctx.window.showInputBox({
      title: `Value of ${key}`,
      prompt: `Value of "${key}" (hidden; pasted text keeps its newlines)`,
      password: true,
      ignoreFocusOut: true,
    });
    if (value === undefined) continue;
    entered.set(key, value);
  }
}

function confirmation(target: WriteTarget, description: DescribeWriteResult, data: Map<string, string>): { message: string; detail: string } {
  const version = description.nextVersion !== undefined ? `version ${description.nextVersion}` : 'a new version';
  const message = `Write ${version} of ${description.apiPath} in vault "${target.vault.name}"?`;
  const lines = [`Keys: ${[...data.keys()].join(', ')}.`];
  const dropped = description.keys.filter((k) => !data.has(k));
  if (dropped.length > 0) lines.push(`Not in the new version: ${dropped.join(', ')} (the new version holds exactly the keys listed above).`);
  lines.push(
    description.currentVersion === 0 || description.currentVersion === '0'
      ? 'The secret does not exist yet; the write fails if someone creates it first.'
      : `Check-and-set: the write fails if the secret changed after version ${description.currentVersion}.`,
  );
  return { message, detail: lines.join('\n') };
}

function targetParams(target: WriteTarget): SecretTargetParams {
  return target.engine !== undefined ? { vaultUri: target.vault.uri, engine: target.engine, path: target.path } : { vaultUri: target.vault.uri, path: target.path };
}

/** describeWrite → keys and values → confirm → write; repeated after a conflict the user chose to reload. */
export async function writeTo(ctx: CommandContext, session: ServerSession, target: WriteTarget): Promise<void> {
  let data = new Map<string, string>();
  for (;;) {
    const params = targetParams(target);
    const description = await send<DescribeWriteResult>(ctx, session, describeWriteRequest, params, `Reading ${target.path}`);
    if (description === undefined) return;
    if (description.error) return void fail(ctx, `cannot write ${target.path} in "${target.vault.name}": ${description.error}`);
    const edited = await editData(ctx, { ...description, keys: Array.isArray(description.keys) ? description.keys : [] }, data);
    if (edited === undefined) return;
    data = edited;
    const { message, detail } = confirmation(target, { ...description, keys: Array.isArray(description.keys) ? description.keys : [] }, data);
    const write = 'Write';
    if ((await ctx.window.showWarningMessage(message, { modal: true, detail }, write)) !== write) return;
    const writeParams: WriteSecretParams = {
      ...params,
      sealedData: seal(session.sessionKey, JSON.stringify(Object.fromEntries(data)), writeBinding(target.vault.uri, target.engine, target.path)),
      cas: description.currentVersion,
    };
    const result = await send<WriteSecretResult>(ctx, session, writeSecretRequest, writeParams, `Writing ${description.apiPath}`);
    if (result === undefined) return;
    if (result.ok && result.raced) {
      const message = `wrote version ${result.version} of ${description.apiPath}, but someone else added a version at the same moment (this secret manager has no atomic check-and-set): check that the current version holds what you meant.`;
      ctx.output.warn(`Wrote version ${result.version} of ${description.apiPath} in vault "${target.vault.name}"; another version was added at the same moment.`);
      void ctx.window.showWarningMessage(`${displayName}: ${message}`, {});
      return;
    }
    if (result.ok) {
      ctx.output.info(`Wrote version ${result.version} of ${description.apiPath} in vault "${target.vault.name}" (keys: ${[...data.keys()].join(', ')}).`);
      void ctx.window.showInformationMessage(`${displayName}: wrote version ${result.version} of ${description.apiPath}.`, {});
      return;
    }
    if (result.reason === 'cas-conflict') {
      ctx.output.warn(`Not written: ${description.apiPath} changed after version ${description.currentVersion}.`);
      const reload = 'Reload';
      const choice = await ctx.window.showWarningMessage(
        `Someone else changed ${description.apiPath} after version ${description.currentVersion} while you were editing; nothing was written. Reload to see the current version (your keys and values are kept) and confirm again.`,
        {},
        reload,
      );
      if (choice !== reload) return;
      continue;
    }
    ctx.output.warn(`Not written (${result.reason}): ${result.message}`);
    return void fail(ctx, `nothing was written to ${description.apiPath}: ${result.message}`);
  }
}

export async function writeSecret(ctx: CommandContext): Promise<void> {
  if (!requireTrust(ctx, 'Writing a secret')) return;
  const session = requireServer(ctx);
  if (session === undefined) return;
  const vault = await pickVault(ctx, session, {
    placeHolder: 'Write a secret to which vault?',
    filter: (v) => v.enabled,
    none: `${displayName}: there is no enabled vault configuration in this workspace.`,
  });
  if (vault === undefined) return;
  let target: WriteTarget;
  if (hasEngines(vault.provider)) {
    const engine = await pickEngine(ctx, session, vault);
    if (engine === undefined) return;
    const path = await pickPath(ctx, session, vault, engine.path);
    if (path === undefined) return;
    target = { vault, engine: engine.path, path };
    if (engine.kvVersion !== undefined) target.kvVersion = engine.kvVersion;
  } else {
    const path = await pickPath(ctx, session, vault);
    if (path === undefined) return;
    target = { vault, path };
  }
  await writeTo(ctx, session, target);
}
