import { buildConnection } from './model/connectionModel';
import type { DocumentAnalysis, DocumentKind, Problem } from './model/types';
import { buildVaultConfig } from './model/vaultConfigModel';
import { readSuppressions } from './diagnostics/suppression';
import { parseYaml } from './yaml/parseYaml';

export interface AnalyzeOptions {
  maxSizeKb: number;
}

/** Everything that can be learned from one document's text alone, with its own problems. */
export function analyzeDocument(uri: string, text: string, kind: DocumentKind, options: AnalyzeOptions): DocumentAnalysis {
  const analysis: DocumentAnalysis = { uri, kind, problems: [], vault: undefined, connection: undefined, suppressions: new Map(), trusted: false };
  const problems: Problem[] = analysis.problems;
  if (text.length > options.maxSizeKb * 1024) {
    problems.push({
      code: 'file-too-large',
      span: { start: 0, end: 1 },
      message: `The file is larger than ${options.maxSizeKb} KB and was not checked; raise secretRefs.files.maxSizeKb to check it.`,
    });
    return analysis;
  }
  const nul = text.indexOf('\u0000');
  if (nul !== -1) {
    problems.push({ code: 'unreadable-file', span: { start: 0, end: 1 }, message: 'The file holds binary data (a NUL byte), not YAML text.' });
    return analysis;
  }
  const parsed = parseYaml(text);
  if (parsed.fatal) {
    problems.push({ code: 'yaml-syntax', span: { start: parsed.fatal.start, end: parsed.fatal.end }, message: parsed.fatal.message });
    return analysis;
  }
  for (const error of parsed.syntaxErrors) {
    problems.push({ code: 'yaml-syntax', span: { start: error.start, end: error.end }, message: error.message });
  }
  analysis.suppressions = readSuppressions(text);
  if (!parsed.doc) return analysis;
  // With syntax errors the models are still built (completion and hover need them while the
  // user types), but their findings would rest on a guess of the parser's, so they are dropped.
  const modelProblems = parsed.syntaxErrors.length > 0 ? [] : problems;
  if (kind === 'vault-config') {
    analysis.vault = buildVaultConfig(parsed.doc, modelProblems);
  } else {
    analysis.connection = buildConnection(parsed.doc, text, modelProblems);
  }
  analysis.trusted = parsed.syntaxErrors.length === 0;
  return analysis;
}
