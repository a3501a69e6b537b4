import type { SecretScanFinding } from '../service/facts/facts';

/**
 * Finds hard-coded secrets in a document's text with secretlint's recommended rules (the library
 * and its patterns, not a copy of them). Bundled on its own and loaded on first use.
 */
export async function scanForSecrets(filePath: string, text: string): Promise<SecretScanFinding[]> {
  const { lintSource } = await import('@secretlint/core');
  const preset = (await import('@secretlint/secretlint-rule-preset-recommend')) as unknown as { creator: unknown };
  const result = await lintSource({
    source: { filePath, content: text, ext: '.yaml', contentType: 'text' },
    options: { config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: preset.creator as never }] }, maskSecrets: true },
  } as never);
  return (result.messages as unknown as { ruleId: string; messageId?: string; range: [number, number] }[]).map((m) => ({
    start: m.range[0],
    end: m.range[1],
    ruleId: m.ruleId,
    kind: (m.messageId ?? 'secret').toLowerCase().replace(/_/g, ' '),
    text: text.slice(m.range[0], m.range[1]),
  }));
}
