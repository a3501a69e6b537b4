import type { FormatAnalysis } from '../facts';
import type { ReferenceFormat } from '../format';
import { checkAttachmentFields, checkConnection } from './checks';
import { completeConnection } from './completion';
import { connectionFacts } from './facts';
import { buildConnection } from './model';
import type { ConnectionModel } from './types';
import { escaped } from '../../features/hoverText';

/**
 * Connection files (`*.connection.yaml`): a connection's settings, the secrets it attaches under
 * `vault_secrets`, and `vault.secret(...)` references in any value.
 */
export const connectionFormat = {
  id: 'connection' as const,
  displayName: 'connection file',
  files: { patterns: (settings) => settings.files.connections },
  syntax: 'yaml',
  oneDocumentPerFile: 'A connection file holds one connection',
  labels: { read: 'Secret reference', use: 'Attached secret' },
  scansForSecrets: true,
  analyze({ text, yaml }, problems) {
    const model = buildConnection(yaml!.doc!, text, problems);
    return { ...connectionFacts(model), model };
  },
  checkUse: checkAttachmentFields,
  check: checkConnection,
  complete: completeConnection,
  hoverLines({ model }) {
    const lines: string[] = [];
    if (model.owner) lines.push(`- **Connection owner:** ${escaped(model.owner.value, 100)}`);
    if (model.expires) lines.push(`- **Credentials expire:** ${escaped(model.expires.value, 60)}`);
    return lines;
  },
  describe({ model }) {
    return { name: model.name?.value, owner: model.owner?.value, expires: model.expires?.value };
  },
} satisfies ReferenceFormat<ConnectionModel>;

export type { Attachment, ConnectionModel, Reference } from './types';
export { attachmentUse } from './facts';

/** The connection model of a document's analysis, when the document is a connection. */
export function connectionOf(analysis: { kind: string; format: FormatAnalysis | undefined } | undefined): ConnectionModel | undefined {
  return analysis?.kind === connectionFormat.id ? (analysis.format?.model as ConnectionModel | undefined) : undefined;
}
