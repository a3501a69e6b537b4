import picomatch from 'picomatch';
import type { Settings } from '../../../shared/src/settings';
import type { DocumentKind } from '../service/documentAnalysis';
import type { ReferenceFormat } from '../service/formats/format';
import { referenceFormats, type FormatId } from '../service/formats/registry';

/**
 * Decides whether a file is a vault configuration, a reference format's document, or neither: from
 * its path (settings' globs, each format's patterns), and for formats with a content test from its
 * text too. A file that only its text can tell is read once and tested with a substring check; only
 * the format that claims it parses it.
 */
export interface FileClassifier {
  /**
   * The file's kind. `relativePath` uses `/` and is relative to the workspace folder (or absolute
   * without the leading `/`). Without `text`, undefined also when only the text can tell (`classify`).
   */
  kindOf(relativePath: string, text?: string): DocumentKind | undefined;
  /** The file's kind from its path alone, or `by-text` when it depends on the text: read it, then ask `kindOf` with the text. */
  classify(relativePath: string): DocumentKind | 'by-text' | undefined;
  isExcluded(relativePath: string): boolean;
}

interface FormatMatcher {
  id: FormatId;
  matches: (path: string) => boolean;
  content: ((text: string) => boolean) | undefined;
}

/** @param formats the registered formats (tests pass others) */
export function createFileClassifier(settings: Settings, formats: readonly ReferenceFormat[] = referenceFormats): FileClassifier {
  const options = { dot: true };
  const vault = picomatch(settings.files.vaultConfigs, options);
  const excluded = picomatch(settings.files.exclude, options);
  const matchers: FormatMatcher[] = formats.map((format) => ({
    id: format.id as FormatId,
    matches: picomatch([...format.files.patterns(settings)], options),
    content: format.files.content?.bind(format.files),
  }));
  const clean = (path: string) => path.replace(/\\/g, '/').replace(/^\/+/, '');
  /** The kind, `by-text` when only the text can tell and it is not given, or undefined. */
  const classify = (relativePath: string, text: string | undefined): DocumentKind | 'by-text' | undefined => {
    const path = clean(relativePath);
    if (excluded(path)) return undefined;
    if (vault(path)) return 'vault-config';
    for (const format of matchers) {
      if (!format.matches(path)) continue;
      if (!format.content) return format.id;
      if (text === undefined) return 'by-text';
      if (format.content(text)) return format.id;
    }
    return undefined;
  };
  return {
    kindOf(relativePath, text) {
      const kind = classify(relativePath, text);
      return kind === 'by-text' ? undefined : kind;
    },
    classify(relativePath) {
      return classify(relativePath, undefined);
    },
    isExcluded(relativePath) {
      const path = clean(relativePath);
      return excluded(path) || excluded(`${path}/`);
    },
  };
}
