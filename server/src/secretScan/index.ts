import type { SecretScanFinding } from '../service/facts/facts';
import { scanText } from './scanText';

/**
 * Finds hard-coded secrets in a document's text with secretlint's recommended rules (the library
 * and its patterns, not a copy of them). Bundled on its own and loaded on first use. Lines that
 * cannot hold a literal secret (a lone reference, a number, a boolean) are not scanned.
 */
export async function scanForSecrets(filePath: string, text: string): Promise<SecretScanFinding[]> {
  const scanned = scanText(text);
  const { lintSource } = await import('@secretlint/core');
  const preset = (await import('@secretlint/secretlint-rule-preset-recommend')) as unknown as { creator: unknown };
  const result = await lintSource({
    source: { filePath, content: scanned.text, ext: '.yaml', contentType: 'text' },
    options: { config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: preset.creator as never }] }, maskSecrets: true },
  } as never);
  return (result.messages as unknown as { ruleId: string; messageId?: string; range: [number, number] }[]).map((m) => {
    const start = scanned.toOriginal(m.range[0]);
    // The end is mapped from its last character, so an end at a run's edge stays in that run.
    const end = m.range[1] > m.range[0] ? scanned.toOriginal(m.range[1] - 1) + 1 : start;
    return { start, end, ruleId: m.ruleId, kind: (m.messageId ?? 'secret').toLowerCase().replace(/_/g, ' '), text: text.slice(start, end) };
  });
}

/**
 * Scans many documents in one secretlint run (its setup costs more than its scanning on small
 * files): the texts are joined with blank lines and each finding is mapped back to its document.
 * A finding that would span two documents is dropped.
 */
export async function scanManyForSecrets(documents: readonly { key: string; text: string }[]): Promise<Map<string, SecretScanFinding[]>> {
  const result = new Map<string, SecretScanFinding[]>();
  const starts: number[] = [];
  let joined = '';
  for (const document of documents) {
    starts.push(joined.length);
    joined += `${document.text}\n\n`;
    result.set(document.key, []);
  }
  if (documents.length === 0) return result;
  for (const finding of await scanForSecrets('workspace.yaml', joined)) {
    // The last document that starts at or before the finding.
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= finding.start) lo = mid;
      else hi = mid - 1;
    }
    const document = documents[lo]!;
    const base = starts[lo]!;
    if (finding.end - base > document.text.length) continue;
    result.get(document.key)!.push({ ...finding, start: finding.start - base, end: finding.end - base });
  }
  return result;
}
