import type { PreviewSecretParams, PreviewSecretResult } from '../../../shared/src/customMessages';
import { previewBinding, seal } from '../../../shared/src/sealing';
import { pinText } from '../service/references/locator';
import { describeFailure, type CommandContext } from './context';

/**
 * The value behind the reference at a position, sealed for the client. The only place a value
 * leaves a provider, and only after the user confirmed in the editor.
 */
export async function previewSecret(ctx: CommandContext, params: PreviewSecretParams): Promise<PreviewSecretResult> {
  if (!ctx.sessionKey) return { ok: false, message: 'Preview needs the VS Code client (no session key).' };
  const document = ctx.document(params.textDocument.uri);
  const kind = document && ctx.kindOf(document.uri);
  if (!document || !kind) return { ok: false, message: 'Open a connection file and put the cursor on a reference.' };
  const at = ctx.service().secretAt(document, kind, params.position, ctx.facts);
  if (!at) return { ok: false, message: 'No readable secret reference under the cursor.' };
  const entry = await ctx.live()?.providerFor(at.vault);
  if (!entry) return { ok: false, message: `Vault "${at.vault.name}" has no live access: sign in first.` };
  // Another version picked in the preview replaces the attachment's pin, a staging label included.
  const locator = params.version !== undefined ? { ...(at.locator.engine !== undefined ? { engine: at.locator.engine } : {}), path: at.locator.path, version: params.version } : at.locator;
  const pin = pinText(locator);
  try {
    const data = await entry.provider.readValue(locator);
    let value: unknown = data;
    if (at.key !== undefined && at.key !== '*') {
      if (typeof data !== 'object' || data === null || !(at.key in data)) return { ok: false, message: `The secret has no key "${at.key}".` };
      value = (data as Record<string, unknown>)[at.key];
    }
    const metadata = await entry.provider.metadata(at.locator).catch(() => undefined);
    const versions = (metadata?.versions ?? []).map((v) => ({
      version: v.version,
      ...(v.createdTime ? { createdTime: v.createdTime } : {}),
      state: v.destroyed ? 'destroyed' : v.deletionTime ? 'deleted' : v.disabled ? 'disabled' : 'readable',
    }));
    const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
    const { line, character } = params.position;
    return {
      ok: true,
      sealed: seal(ctx.sessionKey, JSON.stringify({ value: text }), previewBinding(params.textDocument.uri, line, character)),
      label: `${at.label}${pin ? ` (${pin})` : ''}`,
      versions,
    };
  } catch (error) {
    return { ok: false, message: describeFailure(error) };
  }
}
