import type { LiveAccess } from '../../service/facts/liveFacts';
import type { Provider } from '../../service/model/types';

/** Version of the inventory JSON shape; raised when a field changes meaning or goes away. */
export const inventoryFormatVersion = 1;

export interface InventoryEngine {
  /** The engine (mount) path. */
  path: string;
  type?: string;
  kvVersion?: 1 | 2;
  /** Declared under `engines:` in the vault configuration. */
  declared: boolean;
  /** Read by some attachment or inline reference. */
  used: boolean;
  /** Live: what the server says about this mount. */
  live?: { state: 'ok'; mounted: boolean; type?: string; kvVersion?: 1 | 2 } | { state: 'error'; error: string };
}

export interface InventoryVault {
  name: string;
  provider: Provider | null;
  /** Where credentials are sent: hashicorp url (else VAULT_ADDR), azure vault_url, aws/gcp endpoint. */
  address?: string;
  namespace?: string;
  region?: string;
  project?: string;
  description?: string;
  owner?: string;
  enabled: boolean;
  file: string;
  folder: string;
  /** Another vault configuration of the same folder has this name (`duplicate-vault`). */
  duplicate: boolean;
  /** hashicorp: declared engines and engines seen in attachments and inline references. */
  engines: InventoryEngine[];
  /** aws, azure, gcp, local: the store that holds the secrets. */
  store?: { type: string; location: string };
  /** Ids of the referenced secrets in this vault. */
  secrets: string[];
  /** With --live: whether the secret manager could be used, and if not why. */
  live?: { access: LiveAccess };
}

export interface InventoryUse {
  /** The connection's `name` (its file name when it has none). */
  connection: string;
  file: string;
  /** Keys read (`*` for the whole secret), sorted. */
  keys: string[];
  /** Attached under `vault_secrets` and/or named by inline references. */
  via: ('attachment' | 'inline')[];
  alias?: string;
  /** A version pin of the attachment, as written. */
  version?: string | number;
  versionStage?: string;
  /**
   * Live, only when the attachment pins a version or stage: what the secret manager says about the
   * version this connection reads (the secret's own `live` is about its current version).
   */
  live?: InventoryUseLive;
}

export interface InventoryUseLive {
  state: 'ok' | 'error' | 'unavailable';
  reason?: string;
  errorKind?: string;
  /** Key names of the pinned version (never values). */
  keys?: string[];
}

export type InventoryPermissions =
  | { state: 'ok'; path: string; capabilities: string[] }
  | { state: 'unknown'; reason: string }
  | { state: 'error'; error: string };

export interface InventoryRotation {
  enabled?: boolean;
  nextRotation?: string;
  period?: string;
  /** A rotation policy written in custom metadata or tags. */
  policy?: string;
}

export interface InventorySecretLive {
  state: 'ok' | 'error' | 'unavailable';
  /** Why there are no live facts (state unavailable) or what went wrong (state error). */
  reason?: string;
  errorKind?: string;
  currentVersion?: string | number;
  createdTime?: string;
  updatedTime?: string;
  /** Key names the secret has (never values). */
  keys?: string[];
  /** Custom metadata (Vault, local) or tags/labels (cloud). */
  labels?: Record<string, string>;
  permissions?: InventoryPermissions;
}

export interface InventorySecret {
  /** `VAULT:PATH` as in an inline reference: `prod:secret/data/oracle`, `prod-aws:payments/api-key`. */
  id: string;
  vault: string;
  /** Null when no single vault configuration of that name exists in the folder. */
  provider: Provider | null;
  /** hashicorp: the engine, when known (declared, live, or named by an attachment). */
  engine?: string;
  /** hashicorp: the path inside the engine (the full path when the engine is not known). */
  path?: string;
  /** aws, azure, gcp, local: the secret's name. */
  name?: string;
  kvVersion?: 1 | 2;
  /** hashicorp: the HTTP API path as written, e.g. `/v1/secret/data/oracle`. */
  apiPath?: string;
  folder: string;
  /** Every key read by any connection, sorted. */
  keys: string[];
  connections: InventoryUse[];
  /** Live, from the secret's metadata: custom_metadata `owner` (Vault, local), tag or label `owner` (cloud). */
  owner?: string;
  /** Live: Azure expiresOn, GCP expireTime, or custom_metadata / tag `expiry` (or `expires`, `expiration`...). */
  expires?: string;
  rotation?: InventoryRotation;
  live?: InventorySecretLive;
}

export interface InventoryConnection {
  name: string;
  file: string;
  folder: string;
  owner?: string;
  expires?: string;
  /** Ids of the secrets it reads or attaches. */
  secrets: string[];
}

export interface Inventory {
  format: typeof inventoryFormatVersion;
  live: boolean;
  folders: string[];
  vaults: InventoryVault[];
  secrets: InventorySecret[];
  connections: InventoryConnection[];
  /** Files found but not inventoried (binary, too large). */
  skipped: { file: string; reason: string }[];
}

export interface InventoryResult {
  inventory: Inventory;
  /** Given paths that do not exist or cannot be read. */
  unreadable: { path: string; message: string }[];
  /** More files matched than `settings.files.maxFiles`: only that many were read. */
  limitReached?: boolean;
}
