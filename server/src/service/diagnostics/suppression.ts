const directive = /#\s*secretrefs-disable-next-line\b([^\n]*)/g;

/**
 * Reads `# secretrefs-disable-next-line [CODE ...]` comments: the line after each one is exempt
 * from the named codes (all codes when none is named). Returns 0-based line → codes (`*` = all).
 */
export function readSuppressions(text: string): Map<number, Set<string>> {
  const result = new Map<number, Set<string>>();
  if (!text.includes('secretrefs-disable-next-line')) return result;
  directive.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = directive.exec(text)) !== null) {
    let line = 0;
    for (let i = text.indexOf('\n'); i !== -1 && i < match.index; i = text.indexOf('\n', i + 1)) line++;
    const codes = (match[1] ?? '').split(/[\s,]+/).filter((c) => /^[a-z0-9-]+$/.test(c));
    const set = result.get(line + 1) ?? new Set<string>();
    if (codes.length === 0) set.add('*');
    for (const code of codes) set.add(code);
    result.set(line + 1, set);
  }
  return result;
}

export function isSuppressed(suppressions: Map<number, Set<string>>, line: number, code: string): boolean {
  const codes = suppressions.get(line);
  return codes !== undefined && (codes.has('*') || codes.has(code));
}
