import type { DocumentAnalysis, DocumentKind } from './documentAnalysis';
import { formatOf } from './formats/registry';
import type { Problem } from './model/types';
import { buildVaultConfig } from './model/vaultConfigModel';
import { readSuppressions } from './diagnostics/suppression';
import { documentStart, hasContent, parseYaml } from './yaml/parseYaml';

export interface AnalyzeOptions {
  maxSizeKb: number;
}

/**
 * Everything that can be learned from one document's text alone, with its own problems: the text
 * is read (size, binary), parsed when its kind is YAML (a vault configuration, a YAML format), and
 * handed to the vault configuration model or to the document's reference format.
 */
export function analyzeDocument(uri: string, text: string, kind: DocumentKind, options: AnalyzeOptions): DocumentAnalysis {
  const analysis: DocumentAnalysis = { uri, kind, problems: [], vault: undefined, format: undefined, suppressions: new Map(), trusted: false };
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
  const format = kind === 'vault-config' ? undefined : formatOf(kind);
  if (format?.syntax === 'text') {
    analysis.suppressions = readSuppressions(text);
    analysis.format = format.analyze({ uri, text, yaml: undefined }, problems);
    analysis.trusted = true;
    return analysis;
  }
  // The YAML lexer takes quadratic time over a long run of indicators on one line (`- - - …`),
  // seconds for a few kilobytes, before it gives up as too deep: such text is not parsed.
  const run = longestIndicatorRun(text);
  if (run > maxIndicatorRun) {
    problems.push({ code: 'yaml-syntax', span: { start: 0, end: Math.min(text.length, 1) }, message: `YAML is nested too deeply to check (${run} indicators on one line); flatten the structure.` });
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
  const oneDocument = format ? format.oneDocumentPerFile : 'A vault configuration file holds one vault configuration';
  if (oneDocument) reportExtraDocuments(parsed.documents, text, oneDocument, problems);
  // With syntax errors the models are still built (completion and hover need them while the
  // user types), but their findings would rest on a guess of the parser's, so they are dropped.
  const modelProblems = parsed.syntaxErrors.length > 0 ? [] : problems;
  if (format) analysis.format = format.analyze({ uri, text, yaml: parsed }, modelProblems);
  else analysis.vault = buildVaultConfig(parsed.doc, modelProblems);
  analysis.trusted = parsed.syntaxErrors.length === 0;
  return analysis;
}

/**
 * Vault configurations and some formats (connections) hold one document per file: a second one
 * (after `---`) is not read, and the user is told so at its `---`, once for all the documents that
 * follow. `what` names the file: `A connection file holds one connection`.
 */
function reportExtraDocuments(documents: Parameters<typeof hasContent>[0][], text: string, what: string, problems: Problem[]): void {
  const extra = documents.slice(1).filter(hasContent);
  const first = extra[0];
  if (!first) return;
  const more = extra.length === 1 ? 'this second YAML document (after `---`) is' : `the ${extra.length} YAML documents from here on (after \`---\`) are`;
  problems.push({
    code: 'invalid-config',
    span: documentStart(first, text),
    message: `${what}: ${more} not checked. Move each to a file of its own.`,
  });
}

/** More node indicators or properties than this on one line are not parsed (real files have a handful). */
const maxIndicatorRun = 256;

/** The longest run of `- `, `? `, `: `, tags (`!t`) and anchors (`&a`) on one line, in one linear pass. */
function longestIndicatorRun(text: string): number {
  const SPACE = 0x20, TAB = 0x09, LF = 0x0a, CR = 0x0d, DASH = 0x2d, QUESTION = 0x3f, COLON = 0x3a, HASH = 0x23, BANG = 0x21, AMP = 0x26;
  const isSpace = (c: number) => c === SPACE || c === TAB || c === LF || c === CR;
  const length = text.length;
  let longest = 0;
  let run = 0;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === SPACE || c === TAB) continue;
    if ((c === DASH || c === QUESTION || c === COLON) && (i + 1 === length || isSpace(text.charCodeAt(i + 1)))) {
      run++;
      continue;
    }
    if (run > longest) longest = run;
    if (c === HASH) {
      // A comment: the rest of the line counts for nothing.
      run = 0;
      while (i + 1 < length && text.charCodeAt(i + 1) !== LF && text.charCodeAt(i + 1) !== CR) i++;
      continue;
    }
    if (c === BANG || c === AMP) {
      run++;
      if (run > longest) longest = run;
    } else {
      run = 0;
    }
    // Skip the rest of the word (a tag, an anchor, or any other text, which ends the run).
    if (c !== LF && c !== CR) while (i + 1 < length && !isSpace(text.charCodeAt(i + 1))) i++;
  }
  return Math.max(longest, run);
}
