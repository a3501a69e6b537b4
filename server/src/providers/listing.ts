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

/** Where a listing's pages come from. */
export interface PageSource<T> {
  /** The next page, or undefined when there is none. */
  next(): Promise<T[] | undefined>;
  /** Whether there is a next page, when that is known without asking (a page token); else undefined. */
  more?(): boolean | undefined;
}

type Read<T> = { items: T[]; cut?: Omit<ListingCut, 'message'> };

/**
 * Reads pages from `source` until there are none, the page cap or the deadline. At the cap, a
 * source that cannot tell whether more pages exist is asked for one more page, which is dropped:
 * the listing is reported cut only when something was left unread.
 */
export async function readAllPages<T>(limits: ListLimits, source: PageSource<T>): Promise<Read<T>> {
  const started = Date.now();
  const items: T[] = [];
  let pages = 0;
  const seconds = (): number => Math.round((Date.now() - started) / 100) / 10;
  const cutBy = (by: ListingCut['by']): Read<T> => ({
    items,
    cut: { by, listed: items.length, pages, seconds: seconds(), limit: by === 'pages' ? limits.maxPages : Math.round(limits.deadlineMs / 100) / 10 },
  });
  for (;;) {
    const known = source.more?.();
    if (known === false) return { items };
    if (known === true && pages >= limits.maxPages) return cutBy('pages');
    const left = limits.deadlineMs - (Date.now() - started);
    let page: T[] | undefined;
    try {
      if (left <= 0) throw new ListingDeadline();
      page = await withDeadline(source.next(), left, () => new ListingDeadline());
    } catch (e) {
      if (e instanceof ListingDeadline) return cutBy('deadline');
      throw e;
    }
    if (page === undefined) return { items };
    if (pages >= limits.maxPages) return cutBy('pages');
    pages += 1;
    items.push(...page);
  }
}

/**
 * Reads a listing paged by tokens: `fetchPage(token)` reads the page of `token` (undefined: the
 * first) and returns its items and the next token. A token seen before (a server that loops)
 * throws `onRepeatedToken()`.
 */
export function readPages<T>(
  limits: ListLimits,
  fetchPage: (token: string | undefined) => Promise<{ items: T[]; next: string | undefined }>,
  onRepeatedToken: () => Error,
): Promise<Read<T>> {
  const seen = new Set<string>();
  let started = false;
  let token: string | undefined;
  return readAllPages(limits, {
    more: () => !started || token !== undefined,
    next: async () => {
      if (started && token === undefined) return undefined;
      const page = await fetchPage(token);
      started = true;
      token = page.next;
      if (token !== undefined) {
        if (seen.has(token)) throw onRepeatedToken();
        seen.add(token);
      }
      return page.items;
    },
  });
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
export function namesListing(result: Read<string>, what = 'secrets'): Listing {
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
