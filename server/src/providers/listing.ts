/**
 * Bounds of the paged listings of the cloud providers (aws, azure, gcp): every listing stops after
 * a number of pages and after an overall deadline, whatever the server's page tokens or links say,
 * and says so. A listing of secret names returns the names it has with a {@link ListingCut}
 * attached (completion and browsing show its message); a listing of versions throws instead, since
 * version facts from part of the versions would be wrong.
 *
 * The caps come from what real accounts hold: a listing reads up to 10,000 names (AWS allows
 * 500,000 secrets per region, but accounts that use this product hold tens to a few thousand, and
 * no completion list or browse view is read past that), and a secret's versions up to 10,000 (a
 * secret rotated daily for 27 years). The deadline (30 s) is longer than any such listing takes
 * against a healthy service; it stops a server that answers each page just inside the per-request
 * timeout.
 */
import { ProviderError } from './secretProvider';
import { withDeadline } from './sessionHelpers';

export interface ListLimits {
  /** Most pages one listing reads. */
  maxPages: number;
  /** Most time one listing takes (all its pages), in ms. */
  deadlineMs: number;
}

/** Most names (and versions) a listing reads; each provider turns it into pages of its page size. */
export const MAX_LISTED = 10_000;
export const LIST_DEADLINE_MS = 30_000;

/** The limits for a listing of `pageSize` items per page. */
export function listLimits(pageSize: number, override: Partial<ListLimits> = {}): ListLimits {
  return {
    maxPages: override.maxPages ?? Math.ceil(MAX_LISTED / pageSize),
    deadlineMs: override.deadlineMs ?? LIST_DEADLINE_MS,
  };
}

/** Why a listing stopped before its end. */
export interface ListingCut {
  by: 'pages' | 'deadline';
  /** Items listed before it stopped. */
  listed: number;
  pages: number;
  seconds: number;
  /** The limit that stopped it (pages or seconds). */
  limit: number;
  /** e.g. `listed the first 10000 secrets; stopped after 100 pages (a listing reads at most 100)`. */
  message: string;
}

/** Secret names of a listing; `cut` is set when a page cap or the deadline stopped it. */
export type Listing = string[] & { cut?: ListingCut };

/** `names` with `cut` attached (kept with the array through caches, lost in JSON). */
export function cutListing(names: string[], cut: ListingCut | undefined): Listing {
  return cut ? Object.assign(names, { cut }) : names;
}

/** The cut of a listing returned by a provider, if it was stopped early. */
export function listingCut(names: readonly string[] | undefined): ListingCut | undefined {
  const cut = (names as { cut?: unknown } | undefined)?.cut;
  return typeof cut === 'object' && cut !== null && typeof (cut as ListingCut).message === 'string' ? (cut as ListingCut) : undefined;
}

/** Thrown by a page fetch that the listing deadline overtook. */
class ListingDeadline extends Error {
  constructor() {
    super('listing deadline');
    this.name = 'ListingDeadline';
  }
}

/**
 * Reads pages until `fetchPage` reports no next token, the page cap or the deadline. `fetchPage`
 * gets the token of the page to read (undefined: the first) and returns the page's items and the
 * next token. A token seen before is left to `onRepeatedToken` (a server that loops).
 */
export async function readPages<T>(
  limits: ListLimits,
  fetchPage: (token: string | undefined) => Promise<{ items: T[]; next: string | undefined }>,
  onRepeatedToken: () => Error,
): Promise<{ items: T[]; cut?: Omit<ListingCut, 'message'> }> {
  const started = Date.now();
  const items: T[] = [];
  const seen = new Set<string>();
  let pages = 0;
  let token: string | undefined;
  const seconds = (): number => Math.round((Date.now() - started) / 100) / 10;
  for (;;) {
    if (pages >= limits.maxPages) return { items, cut: { by: 'pages', listed: items.length, pages, seconds: seconds(), limit: limits.maxPages } };
    const left = limits.deadlineMs - (Date.now() - started);
    let page: { items: T[]; next: string | undefined };
    try {
      if (left <= 0) throw new ListingDeadline();
      page = await withDeadline(fetchPage(token), left, () => new ListingDeadline());
    } catch (e) {
      if (e instanceof ListingDeadline) {
        return { items, cut: { by: 'deadline', listed: items.length, pages, seconds: seconds(), limit: Math.round(limits.deadlineMs / 100) / 10 } };
      }
      throw e;
    }
    pages += 1;
    items.push(...page.items);
    if (page.next === undefined) return { items };
    if (seen.has(page.next)) throw onRepeatedToken();
    seen.add(page.next);
    token = page.next;
  }
}

/** The message of a cut listing of `what` (e.g. `secrets`, `versions of secret "db"`). */
export function cutMessage(cut: Omit<ListingCut, 'message'>, what: string): string {
  const stopped =
    cut.by === 'pages'
      ? `stopped after ${cut.pages} pages (a listing reads at most ${cut.limit})`
      : `stopped after ${cut.seconds} s (a listing takes at most ${cut.limit} s)`;
  return `listed the first ${cut.listed} ${what}; ${stopped}`;
}

/** A names listing's result: the names with the cut (and its message) attached when it was stopped. */
export function namesListing(result: { items: string[]; cut?: Omit<ListingCut, 'message'> }, what = 'secrets'): Listing {
  return cutListing(result.items, result.cut ? { ...result.cut, message: cutMessage(result.cut, what) } : undefined);
}

/**
 * The error of a versions listing that was stopped: version facts from part of the versions would
 * be wrong (a pinned version "missing", the wrong latest), so nothing is reported from them.
 */
export function versionsCutError(cut: Omit<ListingCut, 'message'>, who: string, secret: string, apiPath?: string): ProviderError {
  const message = cutMessage(cut, `versions of secret "${secret}"`);
  return new ProviderError('unreachable', `${who}: ${message}; its versions are not checked.`, {
    ...(apiPath !== undefined ? { apiPath } : {}),
    cause: `version listing cut short: ${message}`,
  });
}
