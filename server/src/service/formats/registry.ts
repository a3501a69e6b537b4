import { connectionFormat } from './connection';
import type { ReferenceFormat } from './format';

/**
 * Every reference format, one line each, in the order a file is offered to them: the first whose
 * patterns (and content test) claim a file gets it. Adding a format: its folder, and its line here.
 */
export const referenceFormats = [
  connectionFormat,
] as const;

/** The id of a registered reference format (a document kind). */
export type FormatId = (typeof referenceFormats)[number]['id'];

const byId = new Map<string, ReferenceFormat>(referenceFormats.map((format) => [format.id, format as ReferenceFormat]));

/** The format of a document kind other than `vault-config`. */
export function formatOf(id: FormatId): ReferenceFormat {
  return byId.get(id)!;
}
