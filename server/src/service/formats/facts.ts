import type { Located, Problem, Span } from '../model/types';

/**
 * The canonical facts every generic feature works from (checks, hover, definition, completion,
 * quick fixes, the preview, the workspace index, inventory, SARIF), whatever syntax a reference
 * format writes them in. A format's `analyze` turns one document into these.
 */

/**
 * How a place names its vault:
 * - `name`: by the name of a vault configuration (a connection's `vault: prod`, `VAULT:` inline);
 * - `address`: by the vault's address (a url, server or address field), matched to the vault
 *   configuration of the folder with the same normalised address;
 * - `unlinked`: not at all; the folder's only HashiCorp vault configuration, when there is
 *   exactly one, is the vault (`span` is where a problem about the link is shown).
 * Resolution: `references/vaultLink.ts`.
 */
export type VaultLink =
  | { by: 'name'; name: Located<string> }
  | { by: 'address'; address: Located<string> }
  | { by: 'unlinked'; span: Span };

/**
 * The format's own rule for `data/` on a KV v2 engine:
 * - `required`: the path is the API path, so `data/` must be written (connections, vault-action v2+);
 * - `forbidden`: the tool inserts `data/` itself, so a written one is doubled (ESO, vals);
 * - `either`: the tool accepts both (consul-template, the Vault Agent injector).
 */
export type DataRule = 'required' | 'forbidden' | 'either';

/** A place that names a secret. */
export interface SecretUse {
  /** The whole place (a connection attachment, an inline reference). */
  span: Span;
  /** Undefined when the place names no vault at all where the format requires one (reported by the format). */
  vault: VaultLink | undefined;
  /**
   * Where the secret is named: `apart` from the key reads (a connection attachment, a template's
   * `with secret`), read by key reads elsewhere; or `inline`, inside the one read that uses it
   * (`vault.secret(VAULT:PATH.KEY)`, an ESO `remoteRef`, a vault-action entry).
   */
  form: 'apart' | 'inline';
  /**
   * HashiCorp: whether the engine (mount) is written on its own (`separate`, `engine:` beside
   * `path:`) or is the first segments of `path` (`in-path`, found from the declared or live mounts).
   */
  mount: 'separate' | 'in-path';
  /** HashiCorp, mount `separate`: the engine as written. */
  engine: Located<string> | undefined;
  /** HashiCorp: the path as written (inside the engine, or from the mount with `in-path`). */
  path: Located<string> | undefined;
  /**
   * Where, in `path.value`, the first template variable starts (`${{ }}`, `{{ }}`, `${VAR}`): only
   * the fixed part before it is checked, never guessed past. Undefined: the whole path is fixed.
   */
  variableAt: number | undefined;
  dataRule: DataRule;
  /** Cloud and local providers: the secret's name (may be the same text as `path` when the format cannot tell). */
  name: Located<string> | undefined;
  /** A version pin as written. */
  version: Located<unknown> | undefined;
  /** An AWS staging label pin. */
  stage: Located<string> | undefined;
  /** A label the document gives the use (a connection attachment's `alias`). */
  alias: Located<string> | undefined;
}

/** A key read from a secret. */
export interface KeyRead {
  /** The whole read (`vault.secret(...)`). */
  span: Span;
  /** The index in `FormatAnalysis.uses` of the use it reads; undefined when it cannot be resolved (`problem` says why). */
  use: number | undefined;
  /** The key; `*` for the whole secret. */
  key: Located<string> | undefined;
  /**
   * The format's own resolution problem (a connection's `no-attached-secret`, `ambiguous-reference`,
   * `unknown-alias`), reported by the generic checks where the read stands.
   */
  problem: Problem | undefined;
}

/**
 * One document's canonical facts, for all of its YAML documents, and the format's own model
 * (`model`), which only the format reads. Plain data: it crosses to and from the worker thread.
 */
export interface FormatAnalysis<M = unknown> {
  uses: SecretUse[];
  reads: KeyRead[];
  model: M;
}

