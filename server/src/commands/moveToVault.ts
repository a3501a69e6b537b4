import type { Connection } from 'vscode-languageserver';
import type { TextEdit } from 'vscode-languageserver-types';
import type { MoveToVaultParams, MoveToVaultResult } from '../../../shared/src/customMessages';
import { hasEngines, providerDescriptor } from '../../../shared/src/providers';
import { isProviderError, type SecretLocator } from '../providers/secretProvider';
import { attachmentUse, connectionOf, type Attachment } from '../service/formats/connection';
import { secretLocator } from '../service/references/locator';
import { targetOf } from '../service/references/resolve';
import { describeFailure, vaultByUri, type CommandContext } from './context';

/** The literal under `range`: a scalar's parsed value when the range is a whole scalar, else the text. */
function literalAt(ctx: CommandContext, params: MoveToVaultParams): { text: string; start: number; end: number } | undefined {
  const document = ctx.document(params.textDocument.uri);
  if (!document) return undefined;
  const start = document.offsetAt(params.range.start);
  const end = document.offsetAt(params.range.end);
  const kind = ctx.kindOf(document.uri);
  const analysis = kind ? ctx.service().analyze(document, kind) : undefined;
  const scalar = connectionOf(analysis)?.credentialScalars.find((s) => s.span.start === start && s.span.end === end);
  return { text: scalar?.text ?? document.getText().slice(start, end), start, end };
}

/**
 * Writes a hard-coded credential to a vault (keeping the secret's other keys, with check-and-set),
 * then replaces the literal with a reference and attaches the secret, as one edit the client
 * applies. When the write fails, nothing changes.
 */
export async function moveToVault(ctx: CommandContext, connection: Connection, params: MoveToVaultParams): Promise<MoveToVaultResult> {
  const document = ctx.document(params.textDocument.uri);
  if (!document || document.version !== params.textDocument.version) return { ok: false, message: 'The document changed meanwhile; run the quick fix again.' };
  const vault = vaultByUri(ctx, params.vaultUri);
  if (!vault) return { ok: false, message: 'No such vault configuration.' };
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(params.key)) return { ok: false, message: 'The key may hold letters, digits, "_", "." and "-".' };
  const literal = literalAt(ctx, params);
  if (!literal || literal.text.trim() === '') return { ok: false, message: 'No literal under the range.' };
  const entry = await ctx.live()?.providerFor(vault);
  if (!entry) return { ok: false, message: `Vault "${vault.name}" has no live access: sign in first.` };
  const locator: SecretLocator = { ...(params.engine ? { engine: params.engine } : {}), path: params.path.replace(/^\/+/, '') };
  let version: number | string;
  let kvVersion: 1 | 2 | undefined;
  try {
    if (hasEngines(vault.provider) && locator.engine) kvVersion = await entry.provider.engineVersion(locator.engine);
    let current: Record<string, unknown> = {};
    let cas = 0;
    try {
      const metadata = await entry.provider.metadata(locator);
      const found = await entry.provider.readValue(locator);
      if (typeof found !== 'object' || found === null) return { ok: false, message: `${locator.path} holds plain text, not keys: choose another path.` };
      current = found;
      cas = typeof metadata.currentVersion === 'number' ? metadata.currentVersion : 0;
    } catch (error) {
      if (!isProviderError(error) || error.kind !== 'not-found') throw error;
    }
    const data: Record<string, string> = {};
    for (const [k, v] of Object.entries(current)) data[k] = typeof v === 'string' ? v : JSON.stringify(v);
    if (params.key in data && data[params.key] !== literal.text) return { ok: false, message: `${locator.path} already has a key "${params.key}" with another value: choose another key.` };
    data[params.key] = literal.text;
    version = (await entry.provider.write(locator, data, providerDescriptor(vault.provider)?.createWithCas ? cas : undefined)).version;
    ctx.live()?.forgetSecret(entry);
  } catch (error) {
    return { ok: false, message: `Nothing was changed: ${describeFailure(error)}` };
  }
  const edits = referenceEdits(ctx, params, literal, vault.name, kvVersion);
  const applied = await connection.workspace.applyEdit({ label: 'Move to vault', edit: { changes: { [params.textDocument.uri]: edits.edits } } });
  if (!applied.applied) return { ok: false, message: `The secret was written (version ${String(version)}), but the editor did not apply the change: ${applied.failureReason ?? 'refused'}.` };
  ctx.revalidateAll();
  return { ok: true, reference: edits.reference, version };
}

/** The reference that replaces the literal, and the attachment it needs. */
function referenceEdits(
  ctx: CommandContext,
  params: MoveToVaultParams,
  literal: { start: number; end: number },
  vaultName: string,
  kvVersion: 1 | 2 | undefined,
): { edits: TextEdit[]; reference: string } {
  const document = ctx.document(params.textDocument.uri)!;
  const connection = connectionOf(ctx.service().analyze(document, 'connection'));
  const path = params.path.replace(/^\/+/, '');
  const attachedPath = kvVersion === 2 ? `data/${path}` : path;
  const attachments = connection?.attachments ?? [];
  // An attachment of this secret is reused only when it reads what the write creates, the current
  // version: one that pins a version or an AWS staging label would not see the new key.
  const same = attachments.find(
    (a) =>
      a.vault?.value === vaultName &&
      (params.engine ? a.engine?.value.replace(/^\/+|\/+$/g, '') === params.engine && a.path?.value.replace(/^\/+/, '') === attachedPath : a.secret?.value === path) &&
      readsCurrentVersion(ctx, params.textDocument.uri, a),
  );
  const range = { start: document.positionAt(literal.start), end: document.positionAt(literal.end) };
  let reference: string;
  const edits: TextEdit[] = [];
  if (same && (attachments.length === 1 || same.alias)) {
    reference = `vault.secret(${attachments.length > 1 ? `${same.alias!.value}.` : ''}${params.key})`;
  } else if (attachments.length === 0) {
    reference = `vault.secret(${params.key})`;
    const block = params.engine
      ? `vault_secrets:\n  - vault: ${vaultName}\n    engine: ${params.engine}\n    path: ${attachedPath}\n`
      : `vault_secrets:\n  - vault: ${vaultName}\n    secret: ${path}\n`;
    const text = document.getText();
    const valueLine = /^value:/m.exec(text);
    const at = valueLine ? valueLine.index : text.length;
    const prefix = at === text.length && text.length > 0 && !text.endsWith('\n') ? '\n' : '';
    edits.push({ range: { start: document.positionAt(at), end: document.positionAt(at) }, newText: `${prefix}${block}` });
  } else {
    // Other secrets are attached without aliases: the inline form names this one unambiguously.
    reference = params.engine ? `vault.secret(${vaultName}:${params.engine}/${attachedPath}.${params.key})` : `vault.secret(${vaultName}:${path}.${params.key})`;
  }
  edits.push({ range, newText: reference });
  return { edits, reference };
}

/** Whether an attachment reads the secret's current version (no `version`, no `version_stage`). */
function readsCurrentVersion(ctx: CommandContext, uri: string, attachment: Attachment): boolean {
  const use = attachmentUse(attachment);
  const target = targetOf(use, ctx.facts.vaults(uri), ctx.facts.live);
  const locator = target && secretLocator(target, use);
  if (locator) return locator.version === undefined && locator.stage === undefined;
  return attachment.version === undefined && attachment.versionStage === undefined;
}
