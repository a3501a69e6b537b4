/**
 * Add Vault Configuration...: a guided flow that writes `<name>.vault.yaml` into a workspace
 * folder (never over an existing file) and opens it. Cancelling at any step writes nothing. What
 * it asks for each provider, and the lines it writes, are the provider descriptor's
 * (shared/src/providers).
 */
import type * as vscode from 'vscode';
import { listVaultsRequest, type VaultSummary } from '../../../shared/src/customMessages';
import { providerDescriptor, providerDescriptors, type ProviderId } from '../../../shared/src/providers';
import type { ConfigureStep, EngineInput } from '../../../shared/src/providers/descriptor';
import { displayName } from '../constants';
import { describeError } from '../host';
import { parseVaults } from '../vaultStatus';
import { required, type CommandContext } from './context';

/** The schema's pattern for vault configuration names. */
export const vaultNamePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export type { EngineInput };

/** What the flow collected: the name, the provider and the answers to its descriptor's steps; turned into YAML by vaultConfigYaml. */
export interface VaultConfigInput {
  name: string;
  provider: ProviderId;
  engines?: EngineInput[];
  [answer: string]: string | EngineInput[] | undefined;
}

const yamlKeywords = /^(?:y|n|yes|no|on|off|true|false|null|~)$/i;

/** A scalar that reads back as the same string under YAML 1.1 and 1.2; quoted when in doubt. */
export function yamlScalar(value: string): string {
  const plain = /^[A-Za-z_][A-Za-z0-9_./@-]*(?::[A-Za-z0-9_./@-]+)*$/.test(value) && !yamlKeywords.test(value);
  return plain ? value : JSON.stringify(value);
}

export function vaultConfigYaml(config: VaultConfigInput): string {
  const lines = [
    '# Vault configuration for Secret References.',
    `# Credentials never belong in this file: run "${displayName}: Sign In..." instead.`,
    `name: ${yamlScalar(config.name)}`,
    `provider: ${config.provider}`,
  ];
  providerDescriptor(config.provider)?.configure.write(config, {
    field: (key, value) => {
      if (value !== undefined && value !== '') lines.push(`${key}: ${yamlScalar(value)}`);
    },
    line: (text) => lines.push(text),
    scalar: yamlScalar,
  });
  return `${lines.join('\n')}\n`;
}

export function normalizeEnginePath(path: string): string {
  return path.trim().replace(/^\/+|\/+$/g, '');
}

interface Pick<T> extends vscode.QuickPickItem {
  id: T;
}

async function pickFolder(ctx: CommandContext): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = ctx.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void ctx.window.showErrorMessage(`${displayName}: open a folder first; the vault configuration is written into a workspace folder.`);
    return undefined;
  }
  if (folders.length === 1) return folders[0];
  const picked = await ctx.window.showQuickPick(
    folders.map((folder): Pick<vscode.WorkspaceFolder> => ({ label: folder.name, description: folder.uri.fsPath, id: folder })),
    { placeHolder: 'Write the vault configuration into which workspace folder?', ignoreFocusOut: true },
  );
  return picked?.id;
}

/** Names already used in the folder, when the server can tell (otherwise none are known). */
async function namesInFolder(ctx: CommandContext, folder: vscode.WorkspaceFolder): Promise<Set<string>> {
  const session = ctx.server();
  if (session === undefined) return new Set();
  let vaults: VaultSummary[];
  try {
    vaults = parseVaults(await session.request(listVaultsRequest, {}));
  } catch {
    return new Set();
  }
  const folderUri = folder.uri.toString().replace(/\/+$/, '');
  return new Set(vaults.filter((v) => v.folder.replace(/\/+$/, '') === folderUri).map((v) => v.name));
}

async function exists(ctx: CommandContext, uri: vscode.Uri): Promise<boolean> {
  try {
    await ctx.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

function fileNames(name: string): string[] {
  return [`${name}.vault.yaml`, `${name}.vault.yml`];
}

async function askName(ctx: CommandContext, folder: vscode.WorkspaceFolder, taken: Set<string>): Promise<string | undefined> {
  let value = '';
  for (;;) {
    const name = await ctx.window.showInputBox({
      title: 'Add Vault Configuration',
      prompt: 'Name of the vault configuration (connections refer to it by this name)',
      placeHolder: 'prod',
      value,
      ignoreFocusOut: true,
      validateInput: (text) => {
        if (text === '') return 'Enter a name.';
        if (!vaultNamePattern.test(text)) return 'Use letters, digits, "_", "." and "-", starting with a letter or digit.';
        if (taken.has(text)) return `The folder already has a vault configuration named "${text}".`;
        return undefined;
      },
    });
    if (name === undefined) return undefined;
    const clash = [];
    for (const file of fileNames(name)) if (await exists(ctx, ctx.types.Uri.joinPath(folder.uri, file))) clash.push(file);
    if (clash.length === 0) return name;
    void ctx.window.showWarningMessage(`${clash[0]} already exists in ${folder.name}; choose another name.`, {});
    value = name;
  }
}

async function askEngines(ctx: CommandContext): Promise<EngineInput[] | undefined> {
  const engines: EngineInput[] = [];
  for (;;) {
    const items: Pick<'done' | 'add'>[] = [
      {
        id: 'done',
        label: engines.length === 0 ? 'No engines to declare' : `Done (${engines.map((e) => `${e.path} v${e.version}`).join(', ')})`,
        detail: engines.length === 0 ? 'Declared engines let the data/ checks run offline; they can be added later.' : undefined,
      },
      { id: 'add', label: 'Add a KV engine...', detail: 'Its mount path and KV version, e.g. secret, KV v2' },
    ];
    const picked = await ctx.window.showQuickPick(items, { placeHolder: 'Engines (mount paths) to declare', ignoreFocusOut: true });
    if (picked === undefined) return undefined;
    if (picked.id === 'done') return engines;
    const path = await ctx.window.showInputBox({
      title: 'Add a KV engine',
      prompt: 'Mount path of the engine',
      value: engines.length === 0 ? 'secret' : '',
      ignoreFocusOut: true,
      validateInput: (text) => {
        const normalized = normalizeEnginePath(text);
        if (normalized === '') return 'Enter the mount path, e.g. secret.';
        if (/\s/.test(normalized) || normalized.includes('//')) return 'A mount path has no spaces and no empty segments.';
        if (engines.some((e) => e.path === normalized)) return `Engine ${normalized} is already declared.`;
        return undefined;
      },
    });
    if (path === undefined) return undefined;
    const version = await ctx.window.showQuickPick(
      [
        { id: 2 as const, label: 'KV version 2', detail: 'Versioned secrets; paths need data/' },
        { id: 1 as const, label: 'KV version 1', detail: 'Unversioned secrets' },
      ],
      { placeHolder: `KV version of ${normalizeEnginePath(path)}`, ignoreFocusOut: true },
    );
    if (version === undefined) return undefined;
    engines.push({ path: normalizeEnginePath(path), version: version.id });
  }
}

function optionalInput(ctx: CommandContext, prompt: string, placeHolder: string, validate?: (text: string) => string | undefined) {
  return ctx.window
    .showInputBox({
      title: 'Add Vault Configuration',
      prompt,
      placeHolder,
      ignoreFocusOut: true,
      validateInput: (text) => (text.trim() === '' || validate === undefined ? undefined : validate(text.trim())),
    })
    .then((value) => value?.trim());
}

function requiredInput(ctx: CommandContext, prompt: string, placeHolder: string, what: string, validate?: (text: string) => string | undefined) {
  return ctx.window
    .showInputBox({
      title: 'Add Vault Configuration',
      prompt,
      placeHolder,
      ignoreFocusOut: true,
      validateInput: (text) => required(what)(text) ?? validate?.(text.trim()),
    })
    .then((value) => value?.trim());
}

/** One question of a provider's descriptor; undefined when cancelled. */
async function askStep(ctx: CommandContext, step: ConfigureStep): Promise<string | EngineInput[] | undefined> {
  switch (step.kind) {
    case 'text':
      return step.required !== undefined
        ? requiredInput(ctx, step.prompt, step.placeHolder, step.required, step.check)
        : optionalInput(ctx, step.prompt, step.placeHolder, step.check);
    case 'pick':
      return (await ctx.window.showQuickPick(step.choices.map((c): Pick<string> => ({ ...c })), { placeHolder: step.placeHolder, ignoreFocusOut: true }))?.id;
    case 'engines':
      return askEngines(ctx);
  }
}

/** Asks the provider's fields; undefined when cancelled. */
async function askProviderFields(ctx: CommandContext, config: VaultConfigInput): Promise<VaultConfigInput | undefined> {
  const answers: VaultConfigInput = { ...config };
  for (const step of providerDescriptor(config.provider)?.configure.steps ?? []) {
    const answer = await askStep(ctx, step);
    if (answer === undefined) return undefined;
    answers[step.answer] = answer;
  }
  return answers;
}

export async function addVaultConfiguration(ctx: CommandContext): Promise<void> {
  const folder = await pickFolder(ctx);
  if (folder === undefined) return;
  const taken = await namesInFolder(ctx, folder);
  const name = await askName(ctx, folder, taken);
  if (name === undefined) return;
  const provider = await ctx.window.showQuickPick(
    providerDescriptors.map((d): Pick<ProviderId> => ({ id: d.id, label: d.title, description: d.id })),
    { placeHolder: `Secret manager of "${name}"`, ignoreFocusOut: true },
  );
  if (provider === undefined) return;
  const config = await askProviderFields(ctx, { name, provider: provider.id });
  if (config === undefined) return;
  const uri = ctx.types.Uri.joinPath(folder.uri, `${name}.vault.yaml`);
  // Checked again right before writing: the file may have appeared while the user answered.
  if (await exists(ctx, uri)) {
    void ctx.window.showWarningMessage(`${name}.vault.yaml already exists in ${folder.name}; nothing was written. Run the command again with another name.`, {});
    return;
  }
  try {
    await ctx.workspace.fs.writeFile(uri, Buffer.from(vaultConfigYaml(config), 'utf8'));
  } catch (error) {
    void ctx.window.showErrorMessage(`${displayName}: could not write ${name}.vault.yaml: ${describeError(error)}`);
    return;
  }
  ctx.output.info(`Wrote the vault configuration ${uri.toString()}.`);
  try {
    await ctx.window.showTextDocument(await ctx.workspace.openTextDocument(uri));
  } catch (error) {
    ctx.output.warn(`Could not open ${uri.toString()}: ${describeError(error)}`);
  }
}
