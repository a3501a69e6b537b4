/**
 * A listing that is not whole: a provider keeps the first names of a long answer (Vault's LIST past
 * its cap) or stops paging (a cloud listing past its page cap or deadline), and marks the array
 * with `cut`, so the server and its features say how far it got instead of showing a part as if it
 * were the whole. The mark is a plain property on the array: it lives as long as the array does in
 * this process (it is not sent over the wire; whatever crosses the LSP connection says it in words).
 * Cloud providers build their marks in `server/src/providers/listing.ts`; every mark has a message.
 */

export interface ListingCut {
  /** What to tell the user, e.g. "first 1,000 of 1,500 shown". */
  message: string;
  /** How many names were kept, when the cut is a cap on names. */
  kept?: number;
  /** How many names the answer had, when known. */
  total?: number;
}

const count = (v: number): string => v.toLocaleString('en-US');

/** `names` (the kept part) marked as cut from an answer of `total` names. */
export function cutListing(names: string[], total?: number): string[] & { cut: ListingCut } {
  const message = total !== undefined ? `first ${count(names.length)} of ${count(total)} shown` : `first ${count(names.length)} shown`;
  return Object.assign(names, { cut: { message, kept: names.length, ...(total !== undefined ? { total } : {}) } });
}

/** How a listing was cut, or undefined when it is whole. */
export function listingCut(names: readonly string[] | undefined): ListingCut | undefined {
  const cut = (names as { cut?: unknown } | undefined)?.cut;
  return typeof cut === 'object' && cut !== null && typeof (cut as ListingCut).message === 'string' ? (cut as ListingCut) : undefined;
}

/** What a cut listing says to the user. */
export function describeCut(cut: ListingCut): string {
  return cut.message;
}
