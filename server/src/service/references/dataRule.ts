import type { DataRule } from '../formats/facts';

/** KV v2 APIs that consul-template's `shimKVv2Path` leaves as written. */
const kv2Apis = /^(data|metadata|subkeys)\//;

/**
 * The path inside a KV engine that a tool reads, from the path as written, the format's `data/`
 * rule and the engine's KV version (undefined: not known, read as written):
 * - `required`: as written (the written path is the API path);
 * - `forbidden`: on KV v2 `data/` is always inserted, so a written `data/` is read twice;
 * - `either`: on KV v2 `data/` is inserted unless the path already starts with `data/`,
 *   `metadata/` or `subkeys/` (hashicorp/consul-template `dependency/vault_common.go` `shimKVv2Path`).
 */
export function readPath(inside: string, rule: DataRule, kvVersion: 1 | 2 | undefined): string {
  if (kvVersion !== 2 || rule === 'required') return inside;
  if (rule === 'forbidden') return `data/${inside}`;
  return kv2Apis.test(inside) ? inside : `data/${inside}`;
}
