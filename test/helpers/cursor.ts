/** Splits a text with one cursor marker (`|` by default) into the text and the cursor's offset. */
export function withCursor(marked: string, marker = '|'): { text: string; offset: number } {
  const offset = marked.indexOf(marker);
  if (offset === -1) throw new Error(`no cursor marker ${marker} in text`);
  if (marked.indexOf(marker, offset + 1) !== -1) throw new Error(`more than one cursor marker ${marker} in text`);
  return { text: marked.slice(0, offset) + marked.slice(offset + marker.length), offset };
}
