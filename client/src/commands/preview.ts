/**
 * Preview Secret Value: for the reference under the cursor, or the one a hover link or code lens
 * names (`{ uri, line, character }`). Nothing is read before a modal confirmation; the value is
 * shown masked in a read-only virtual document until the user chooses Reveal, and is never logged.
 */
import type * as vscode from 'vscode';
import { previewSecretRequest, type PreviewSecretParams, type PreviewSecretResult } from '../../../shared/src/customMessages';
import { previewBinding, unseal } from '../../../shared/src/sealing';
import { oneLine } from '../../../shared/src/text/controls';
import { displayName, previewScheme } from '../constants';
import { describeError } from '../host';
import { referenceAt } from '../references';
import { clipboardClearSeconds, requireServer, requireTrust, send, type CommandContext, type ServerSession } from './context';

export interface PreviewArgs {
  uri: string;
  line: number;
  character: number;
}

function isPosition(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0;
}

/** The command's optional argument, from a hover link (`command:secretRefs.previewSecret?…`) or a code lens. */
export function parsePreviewArgs(raw: unknown): PreviewArgs | undefined {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.uri !== 'string' || v.uri === '' || !isPosition(v.line) || !isPosition(v.character)) return undefined;
  return { uri: v.uri, line: v.line, character: v.character };
}

interface Target extends PreviewArgs {
  /** The reference as written, when it could be found in the document. */
  reference?: string;
}

/** Whether `uri` lies inside one of the workspace's folders. */
function inWorkspaceFolder(ctx: CommandContext, uri: string): boolean {
  return (ctx.workspace.workspaceFolders ?? []).some((folder) => {
    const root = folder.uri.toString();
    return uri.startsWith(root.endsWith('/') ? root : `${root}/`);
  });
}

/**
 * The reference a link or a code lens names, only if its document is open, belongs to a workspace
 * folder, and has a `vault.secret(...)` reference at the position. A hover link is Markdown from
 * the server; this check is what keeps a forged one (from a file or a secret manager) from naming
 * any other file or position. Nothing is opened to find out.
 */
function referenceNamed(ctx: CommandContext, args: PreviewArgs): Target | undefined {
  if (!inWorkspaceFolder(ctx, args.uri)) return undefined;
  const document = ctx.workspace.textDocuments.find((d) => d.uri.toString() === args.uri);
  if (document === undefined || document.uri.scheme === previewScheme || args.line >= document.lineCount) return undefined;
  const found = referenceAt(document.lineAt(args.line).text, args.line, args.character);
  return found !== undefined ? { ...args, reference: found.text } : undefined;
}

type Resolved = { target: Target } | { refused: string } | undefined;

function resolveTarget(ctx: CommandContext, raw: unknown): Resolved {
  if (raw !== undefined && !(Array.isArray(raw) && raw.length === 0)) {
    const args = parsePreviewArgs(raw);
    const target = args !== undefined ? referenceNamed(ctx, args) : undefined;
    if (target !== undefined) return { target };
    return {
      refused: `${displayName}: Preview Secret Value was asked for a location that is not a vault.secret(...) reference in an open file of this workspace; nothing was read.`,
    };
  }
  const editor = ctx.window.activeTextEditor;
  if (editor === undefined || editor.document.uri.scheme === previewScheme) return undefined;
  const { line, character } = editor.selection.active;
  const found = referenceAt(editor.document.lineAt(line).text, line, character);
  if (found === undefined) return undefined;
  return { target: { uri: editor.document.uri.toString(), line, character, reference: found.text } };
}

interface Value {
  value: string;
  label: string;
  versions: { version: number | string; createdTime?: string; state: string }[];
}

async function fetchValue(ctx: CommandContext, session: ServerSession, target: Target, version?: number | string): Promise<Value | undefined> {
  const params: PreviewSecretParams = { textDocument: { uri: target.uri }, position: { line: target.line, character: target.character } };
  if (version !== undefined) params.version = version;
  const result = await send<PreviewSecretResult>(ctx, session, previewSecretRequest, params, 'Reading the secret value');
  if (result === undefined) return undefined;
  if (!result.ok) {
    void ctx.window.showErrorMessage(`${displayName}: cannot preview the value: ${result.message}`);
    return undefined;
  }
  const plain = unseal(session.sessionKey, result.sealed, previewBinding(target.uri, target.line, target.character));
  let value: unknown;
  try {
    value = plain === undefined ? undefined : (JSON.parse(plain) as { value?: unknown }).value;
  } catch {
    value = undefined;
  }
  if (typeof value !== 'string') {
    void ctx.window.showErrorMessage(`${displayName}: the value could not be unsealed; restart the server and try again.`);
    return undefined;
  }
  return { value, label: result.label, versions: Array.isArray(result.versions) ? result.versions : [] };
}

/**
 * How the confirmation names the reference: an inline one as "`prod:secret/data/oracle` key
 * password"; any other as written (only the server knows which attachment it reads).
 */
export function describeReference(reference: string): string {
  const argument = /^vault\.secret\((.*)\)$/.exec(reference)?.[1];
  if (argument === undefined || !argument.includes(':')) return `\`${reference}\``;
  const dot = argument.lastIndexOf('.');
  if (dot <= argument.indexOf(':')) return `\`${reference}\``;
  const key = argument.slice(dot + 1);
  return `\`${argument.slice(0, dot)}\` ${key === '*' ? '(the whole secret)' : `key ${key}`}`;
}

let previewCounter = 0;

function previewUri(ctx: CommandContext, label: string): vscode.Uri {
  // The label becomes the tab title: slashes would make it a folder path; it names a key from a
  // file, so control and bidi characters are dropped.
  const title = oneLine(label, 200).replace(/[\\/]/g, '∕') || 'secret';
  return ctx.types.Uri.from({ scheme: previewScheme, path: `/${title}`, query: `preview=${++previewCounter}` });
}

const actions = { reveal: 'Reveal', hide: 'Hide', copy: 'Copy', versions: 'Choose Version...' } as const;

async function chooseVersion(ctx: CommandContext, versions: Value['versions']): Promise<number | string | undefined> {
  const picked = await ctx.window.showQuickPick(
    versions.map((v) => ({ label: `Version ${v.version}`, description: v.state, detail: v.createdTime, version: v.version })),
    { placeHolder: 'Show which version?', ignoreFocusOut: true },
  );
  return picked?.version;
}

/** Reveal / Hide, Copy, Choose Version... until the notification is dismissed or the document closed. */
async function offerActions(ctx: CommandContext, session: ServerSession, target: Target, uri: vscode.Uri, first: Value): Promise<void> {
  let label = first.label;
  let versions = first.versions;
  let note = '';
  for (;;) {
    if (!ctx.previews.has(uri)) return;
    const revealed = ctx.previews.isRevealed(uri);
    const buttons: string[] = [revealed ? actions.hide : actions.reveal, actions.copy];
    if (versions.length > 0) buttons.push(actions.versions);
    const choice = await ctx.window.showInformationMessage(`${label}: the value is ${revealed ? 'shown' : 'masked'}.${note}`, {}, ...buttons);
    note = '';
    if (choice === undefined || !ctx.previews.has(uri)) return;
    if (choice === actions.reveal || choice === actions.hide) {
      ctx.previews.setRevealed(uri, choice === actions.reveal);
    } else if (choice === actions.copy) {
      const value = ctx.previews.value(uri);
      if (value === undefined) return;
      const seconds = clipboardClearSeconds(ctx);
      try {
        await ctx.clipboard.copy(value, seconds);
        note = seconds > 0 ? ` Copied; the clipboard is cleared in ${seconds} s if it still holds the value.` : ' Copied.';
      } catch (error) {
        note = ` Copying failed: ${describeError(error)}.`;
      }
    } else if (choice === actions.versions) {
      const version = await chooseVersion(ctx, versions);
      if (version === undefined) continue;
      const next = await fetchValue(ctx, session, target, version);
      if (next === undefined || !ctx.previews.has(uri)) continue;
      label = next.label;
      if (next.versions.length > 0) versions = next.versions;
      ctx.previews.set(uri, label, next.value, version);
    }
  }
}

export async function previewSecret(ctx: CommandContext, raw?: unknown): Promise<void> {
  if (!requireTrust(ctx, 'Previewing a secret value')) return;
  const resolved = resolveTarget(ctx, raw);
  if (resolved !== undefined && 'refused' in resolved) {
    void ctx.window.showErrorMessage(resolved.refused);
    return;
  }
  if (resolved === undefined) {
    void ctx.window.showInformationMessage(`${displayName}: put the cursor on a vault.secret(...) reference to preview its value.`, {});
    return;
  }
  const target = resolved.target;
  const session = requireServer(ctx);
  if (session === undefined) return;
  const what = target.reference !== undefined ? describeReference(target.reference) : `the secret reference at line ${target.line + 1}`;
  const show = 'Show Value';
  const confirmed = await ctx.window.showWarningMessage(
    `Show the value of ${what}? It will be visible on screen.`,
    { modal: true, detail: 'The value is read from the secret manager and opened masked in a read-only editor; it is shown only when you choose Reveal.' },
    show,
  );
  if (confirmed !== show) return;
  const value = await fetchValue(ctx, session, target);
  if (value === undefined) return;
  const uri = previewUri(ctx, value.label);
  ctx.previews.set(uri, value.label, value.value);
  try {
    await ctx.window.showTextDocument(await ctx.workspace.openTextDocument(uri), { preview: true });
  } catch (error) {
    ctx.previews.forget(uri);
    void ctx.window.showErrorMessage(`${displayName}: could not open the preview: ${describeError(error)}`);
    return;
  }
  await offerActions(ctx, session, target, uri, value);
  // Once the actions are dismissed a masked value can no longer be revealed: forget it now.
  if (!ctx.previews.isRevealed(uri)) ctx.previews.forget(uri);
}
