/**
 * A listing cut at a cap: a provider keeps the first names of a long answer and marks the array,
 * so the server and its features can say "first N of M shown" instead of showing a part as if it
 * were the whole. The mark is a plain property on the array: it lives as long as the array does
 * in this process (it is not sent over the wire; whatever crosses the LSP connection says it in
 * words).
 */

export interface ListingCut {
  /** How many names were kept. */
  kept: number;
  /** How many names the answer had, when known. */
  total?: number;
}

const MARK = 'secretRefsListingCut';

/** `names` (the kept part) marked as cut from a listing of `total` names. */
export function cutListing(names: string[], total?: number): string[] {
  Object.defineProperty(names, MARK, { value: { kept: names.length, ...(total !== undefined ? { total } : {}) } satisfies ListingCut, enumerable: false });
  return names;
}

/** How a listing was cut, or undefined when it is whole. */
export function listingCut(names: readonly string[]): ListingCut | undefined {
  const cut = (names as unknown as Record<string, unknown>)[MARK];
  return typeof cut === 'object' && cut !== null ? (cut as ListingCut) : undefined;
}

/** "first 1,000 of 1,500 shown" (or "first 1,000 shown" when the total is not known). */
export function describeCut(cut: ListingCut): string {
  const n = (v: number): string => v.toLocaleString('en-US');
  return cut.total !== undefined ? `first ${n(cut.kept)} of ${n(cut.total)} shown` : `first ${n(cut.kept)} shown`;
}
