import type { Located, Span } from '../../model/types';
import { nearestNames } from '../../text/nearest';
import type { KeyRead, SecretUse } from '../facts';
import type { Attachment, ConnectionModel, Reference } from './types';

/**
 * A connection's canonical facts: one use per attachment (`uses[i]` is `attachments[i]`), then one
 * per inline reference, in order; one read per reference. Connections write the API path, so
 * `data/` is required on KV v2, and the engine apart (`engine:`) or, inline, as the path's start.
 */
export function connectionFacts(model: ConnectionModel): { uses: SecretUse[]; reads: KeyRead[] } {
  const uses = model.attachments.map(attachmentUse);
  const reads = model.references.map((reference): KeyRead => {
    if (!reference.inline) return attachedRead(reference, model.attachments);
    uses.push(inlineUse(reference.span, reference.inline.vault, reference.inline.path));
    return { span: reference.span, use: uses.length - 1, key: reference.inline.key, problem: undefined };
  });
  return { uses, reads };
}

/** An attached secret as a use: named apart, its engine written on its own. */
export function attachmentUse(attachment: Attachment): SecretUse {
  return {
    span: attachment.span,
    vault: attachment.vault ? { by: 'name', name: attachment.vault } : undefined,
    form: 'apart',
    mount: 'separate',
    engine: attachment.engine,
    path: attachment.path,
    variableAt: undefined,
    dataRule: 'required',
    name: attachment.secret,
    version: attachment.version,
    stage: attachment.versionStage,
    alias: attachment.alias,
  };
}

/** `vault.secret(VAULT:PATH.KEY)`: the path is a HashiCorp `ENGINE/PATH` or another provider's secret name. */
export function inlineUse(span: Span, vault: Located<string>, path: Located<string>): SecretUse {
  return {
    span,
    vault: { by: 'name', name: vault },
    form: 'inline',
    mount: 'in-path',
    engine: undefined,
    path,
    variableAt: undefined,
    dataRule: 'required',
    name: path,
    version: undefined,
    stage: undefined,
    alias: undefined,
  };
}

/** Which attached secret `vault.secret(KEY)` or `vault.secret(ALIAS.KEY)` reads, or why none. */
function attachedRead(reference: Reference, attachments: readonly Attachment[]): KeyRead {
  const argument = reference.argument;
  const unresolved = (problem: KeyRead['problem']): KeyRead => ({ span: reference.span, use: undefined, key: undefined, problem });
  if (attachments.length === 0) {
    return unresolved({
      code: 'no-attached-secret',
      span: reference.span,
      message: 'This connection attaches no secret: add an entry under `vault_secrets`, or name the secret inline as `vault.secret(VAULT:PATH.KEY)`.',
    });
  }
  const dot = argument.value.indexOf('.');
  if (dot > 0) {
    const alias = argument.value.slice(0, dot);
    const index = attachments.findIndex((a) => a.alias?.value === alias);
    if (index !== -1) {
      const keyStart = argument.span.start + dot + 1;
      return { span: reference.span, use: index, key: { value: argument.value.slice(dot + 1), span: { start: keyStart, end: argument.span.end } }, problem: undefined };
    }
  }
  if (attachments.length === 1) return { span: reference.span, use: 0, key: argument, problem: undefined };
  const aliases = attachments.flatMap((a) => (a.alias ? [a.alias.value] : []));
  if (dot > 0 && aliases.length > 0) {
    const alias = argument.value.slice(0, dot);
    const near = nearestNames(alias, aliases, 1);
    return unresolved({
      code: 'unknown-alias',
      span: { start: argument.span.start, end: argument.span.start + dot },
      message: `No attached secret has the alias \`${alias.slice(0, 60)}\`.${near.length ? ` Did you mean \`${near[0]}\`?` : ''} Aliases here: ${aliases.join(', ')}.`,
      ...(near.length ? { data: { fix: 'replace', start: argument.span.start, end: argument.span.start + dot, text: near[0]!, title: `Change to \`${near[0]}\`` } } : {}),
    });
  }
  return unresolved({
    code: 'ambiguous-reference',
    span: reference.span,
    message: `${attachments.length} secrets are attached: give each an \`alias\` and write \`vault.secret(ALIAS.KEY)\`${aliases.length ? ` (aliases here: ${aliases.join(', ')})` : ''}.`,
  });
}
