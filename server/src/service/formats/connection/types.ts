import type { Located, Span } from '../../model/types';

/** One entry under `vault_secrets`. */
export interface Attachment {
  index: number;
  span: Span;
  vault: Located<string> | undefined;
  alias: Located<string> | undefined;
  engine: Located<string> | undefined;
  path: Located<string> | undefined;
  secret: Located<string> | undefined;
  version: Located<unknown> | undefined;
  versionStage: Located<string> | undefined;
}

/** A `vault.secret(...)` reference as written; how it resolves depends on the attachments. */
export interface Reference {
  /** The whole `vault.secret(...)` text. */
  span: Span;
  /** The argument between the parentheses. */
  argument: Located<string>;
  /** Inline form: `VAULT:PATH.KEY`. */
  inline: { vault: Located<string>; path: Located<string>; key: Located<string> } | undefined;
}

/**
 * A connection file as written. Its canonical facts (`facts.ts`): one use per attachment, in order
 * (`uses[i]` is `attachments[i]`), then one per inline reference; one read per reference.
 */
export interface ConnectionModel {
  name: Located<string> | undefined;
  attachments: Attachment[];
  references: Reference[];
  /** Span of the `vault_secrets` key, or of the document start when it is absent. */
  attachmentsKeySpan: Span | undefined;
  auth: Located<string> | undefined;
  owner: Located<string> | undefined;
  /** ISO date (YYYY-MM-DD...). */
  expires: Located<string> | undefined;
  /** Names of the keys directly under `value`. */
  valueKeys: Set<string>;
  /** Scalars under `value` whose key names a credential, with their key and content span. */
  credentialScalars: { key: string; span: Span; text: string }[];
}
