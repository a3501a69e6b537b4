/**
 * The inventory as a Veza Open Authorization API payload of the `secret_store` template.
 *
 * The mapping (the template binds permissions to vaults, not to entries):
 *
 * - secret store: the inventoried workspace (`secret_store_type` "secretrefs", since one workspace
 *   may mix providers; the providers are a store property).
 * - vaults: where secrets live. HashiCorp: one vault per engine (mount) of a vault configuration,
 *   id `VAULT:ENGINE`, `vault_type` "kv-v2" / "kv-v1" / "kv" (version unknown); a HashiCorp
 *   secret whose engine is not known (inline, nothing declared) goes to a vault named after the
 *   configuration, type "hashicorp". AWS, Azure, GCP, local: one vault per vault configuration,
 *   `vault_type` aws_secrets_manager / azure_key_vault / gcp_secret_manager / local. A vault
 *   configuration with no referenced secret still appears (no entries).
 * - entries: the referenced secrets, id = the inventory id (`prod:secret/data/oracle`), name = the
 *   path inside the engine or the secret's name. Properties: keys read, the connections that read
 *   it (`read_by`, the exact per-entry fact), owner, expiry, rotation (live), api path.
 * - permissions: `read` (reading a credential's value: `allow_identity_assume` true). With --live,
 *   every capability seen (Vault `read`, `list`, `update`..., GCP `secretmanager.versions.access`
 *   ...) is a permission of that name; `deny` is not a grant and is left out.
 * - identity_to_permissions: each connection (identity_type "connection", identity = its name) has
 *   `read` on every vault holding a secret it reads. Because assignments are per vault, a
 *   connection reading one secret of an engine shows as reading that engine; the exact entries are
 *   in each entry's `read_by`. With --live, the credential used for each vault configuration is an
 *   identity too (identity_type "vault_credential", identity `credential:VAULT`), with, on each
 *   vault, the capabilities it has on every checked secret of that vault (the intersection, so
 *   nothing is over-stated; per-entry capabilities are in the entry's `caller_capabilities`).
 *
 * With several workspace folders, ids are prefixed with `FOLDER/` so equal vault names stay apart.
 * No value ever: the payload is built from the inventory, which holds none.
 */
import { hasEngines } from '../../../../shared/src/providers';
import type { Inventory, InventorySecret, InventoryVault } from './types';

export interface VezaProperties {
  [name: string]: string | number | boolean | string[];
}

export interface VezaPermission {
  name: string;
  id: string;
  allow_identity_assume: boolean;
}

export interface VezaEntry {
  name: string;
  id: string;
  description: string;
  custom_properties: VezaProperties;
}

export interface VezaVault {
  name: string;
  id: string;
  vault_type: string;
  description: string;
  custom_properties: VezaProperties;
  entries: VezaEntry[];
}

export interface VezaIdentityToPermissions {
  identity: string;
  identity_type: 'connection' | 'vault_credential';
  permission_assignments: { vault: string[]; permissions: string[] }[];
}

export interface VezaSecretStorePayload {
  secret_store_type: string;
  custom_property_definition: {
    secret_store_properties: Record<string, string>;
    permission_properties: Record<string, string>;
    vault_properties: Record<string, string>;
    entry_properties: Record<string, string>;
  };
  secret_store: {
    name: string;
    id: string;
    description: string;
    custom_properties: VezaProperties;
    permissions: VezaPermission[];
    secret_store_vaults: VezaVault[];
    identity_to_permissions: VezaIdentityToPermissions[];
  };
}

/** The permission a connection has on what it reads. */
export const readPermission = 'read';

const assumingPermissions = new Set(['read', 'secretmanager.versions.access']);

const propertyTypes = {
  secret_store_properties: { providers: 'STRING_LIST', folders: 'STRING_LIST', live: 'BOOLEAN' },
  permission_properties: {},
  vault_properties: {
    vault_configuration: 'STRING',
    provider: 'STRING',
    engine: 'STRING',
    address: 'STRING',
    owner: 'STRING',
    enabled: 'BOOLEAN',
    file: 'STRING',
    folder: 'STRING',
  },
  entry_properties: {
    vault_configuration: 'STRING',
    provider: 'STRING',
    api_path: 'STRING',
    keys_read: 'STRING_LIST',
    read_by: 'STRING_LIST',
    owner: 'STRING',
    expires: 'STRING',
    rotation: 'STRING',
    caller_capabilities: 'STRING_LIST',
  },
};

function put(target: VezaProperties, name: string, value: string | number | boolean | string[] | undefined): void {
  if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return;
  target[name] = value;
}

interface VaultSlot {
  vault: VezaVault;
  secrets: InventorySecret[];
}

function rotationText(secret: InventorySecret): string | undefined {
  const r = secret.rotation;
  if (!r) return undefined;
  if (r.policy !== undefined) return r.policy;
  const parts = [r.enabled === false ? 'off' : 'on'];
  if (r.period) parts.push(`every ${r.period}`);
  if (r.nextRotation) parts.push(`next ${r.nextRotation}`);
  return parts.join(', ');
}

function grantedCapabilities(secret: InventorySecret): string[] | undefined {
  const p = secret.live?.permissions;
  return p?.state === 'ok' ? p.capabilities.filter((c) => c !== 'deny') : undefined;
}

/** The Veza vaults: one per vault configuration, and for HashiCorp one per engine; ids scoped by folder when there are several. */
class VaultSlots {
  readonly byId = new Map<string, VaultSlot>();
  private readonly several: boolean;

  constructor(private readonly inventory: Inventory) {
    this.several = inventory.folders.length > 1;
  }

  scoped(folder: string, id: string): string {
    return this.several ? `${folder}/${id}` : id;
  }

  configOf(folder: string, name: string): InventoryVault | undefined {
    return this.inventory.vaults.find((v) => v.folder === folder && v.name === name && !v.duplicate);
  }

  /** The slot of a vault configuration (and engine), made on first sight; a later known KV version refines its type. */
  slotFor(folder: string, vaultName: string, engine: string | undefined, config: InventoryVault | undefined, kvVersion: 1 | 2 | undefined): VaultSlot {
    const engines = hasEngines(config?.provider);
    const local = engines && engine !== undefined ? `${vaultName}:${engine}` : vaultName;
    const id = this.scoped(folder, local);
    let slot = this.byId.get(id);
    if (!slot) {
      slot = { vault: vezaVault(local, id, folder, vaultName, engine, config, kvVersion), secrets: [] };
      this.byId.set(id, slot);
    } else if (kvVersion && slot.vault.vault_type === 'kv') {
      slot.vault.vault_type = `kv-v${kvVersion}`;
    }
    return slot;
  }
}

function vezaVault(name: string, id: string, folder: string, vaultName: string, engine: string | undefined, config: InventoryVault | undefined, kvVersion: 1 | 2 | undefined): VezaVault {
  const engines = hasEngines(config?.provider);
  const vaultType = !config
    ? 'unknown'
    : engines
      ? engine === undefined
        ? (config.provider ?? 'unknown')
        : kvVersion
          ? `kv-v${kvVersion}`
          : 'kv'
      : (config.store?.type ?? config.provider ?? 'unknown');
  const properties: VezaProperties = {};
  put(properties, 'vault_configuration', vaultName);
  put(properties, 'provider', config?.provider ?? undefined);
  put(properties, 'engine', engine);
  put(properties, 'address', config?.address ?? config?.store?.location);
  put(properties, 'owner', config?.owner);
  if (config) put(properties, 'enabled', config.enabled);
  put(properties, 'file', config?.file);
  put(properties, 'folder', folder);
  const what = engines && engine !== undefined ? `Engine ${engine} of vault configuration ${vaultName}` : `Vault configuration ${vaultName}`;
  return {
    name,
    id,
    vault_type: vaultType,
    description: config ? `${what}${config.description ? `: ${config.description}` : ''}` : `${what} (no vault configuration of that name)`,
    custom_properties: properties,
    entries: [],
  };
}

/** Every vault configuration, with its declared engines, even when no secret is referenced. */
function declareVaults(inventory: Inventory, slots: VaultSlots): void {
  for (const config of inventory.vaults) {
    if (config.duplicate) continue;
    if (hasEngines(config.provider) && config.engines.length > 0) {
      for (const engine of config.engines) slots.slotFor(config.folder, config.name, engine.path, config, engine.live?.state === 'ok' ? engine.live.kvVersion ?? engine.kvVersion : engine.kvVersion);
    } else {
      slots.slotFor(config.folder, config.name, undefined, config, undefined);
    }
  }
}

/** Each secret as an entry of its vault's slot. */
function addEntries(inventory: Inventory, slots: VaultSlots): Map<InventorySecret, VaultSlot> {
  const slotOfSecret = new Map<InventorySecret, VaultSlot>();
  for (const secret of inventory.secrets) {
    const config = slots.configOf(secret.folder, secret.vault);
    const slot = slots.slotFor(secret.folder, secret.vault, hasEngines(config?.provider) ? secret.engine : undefined, config, secret.kvVersion);
    slotOfSecret.set(secret, slot);
    slot.secrets.push(secret);
    slot.vault.entries.push(vezaEntry(secret, slots.scoped(secret.folder, secret.id)));
  }
  return slotOfSecret;
}

function vezaEntry(secret: InventorySecret, id: string): VezaEntry {
  const readers = [...new Set(secret.connections.map((c) => c.connection))].sort();
  const properties: VezaProperties = {};
  put(properties, 'vault_configuration', secret.vault);
  put(properties, 'provider', secret.provider ?? undefined);
  put(properties, 'api_path', secret.apiPath);
  put(properties, 'keys_read', secret.keys);
  put(properties, 'read_by', readers);
  put(properties, 'owner', secret.owner);
  put(properties, 'expires', secret.expires);
  put(properties, 'rotation', rotationText(secret));
  put(properties, 'caller_capabilities', grantedCapabilities(secret));
  return {
    name: secret.engine !== undefined && secret.path !== undefined ? secret.path : (secret.name ?? secret.path ?? secret.id),
    id,
    description: `Secret ${secret.id}${readers.length ? `, read by ${readers.join(', ')}` : ''}${secret.keys.length ? ` (keys: ${secret.keys.join(', ')})` : ''}`,
    custom_properties: properties,
  };
}

/** Connections: `read` on each vault that holds a secret they read. */
function connectionIdentities(inventory: Inventory, slots: VaultSlots, slotOfSecret: Map<InventorySecret, VaultSlot>): VezaIdentityToPermissions[] {
  const byConnection = new Map<string, Set<string>>();
  for (const secret of inventory.secrets) {
    const slot = slotOfSecret.get(secret)!;
    for (const use of secret.connections) {
      const identity = slots.scoped(secret.folder, use.connection);
      const set = byConnection.get(identity) ?? new Set<string>();
      set.add(slot.vault.id);
      byConnection.set(identity, set);
    }
  }
  return [...byConnection.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([connection, vaults]) => ({
      identity: connection,
      identity_type: 'connection',
      permission_assignments: [{ vault: [...vaults].sort(), permissions: [readPermission] }],
    }));
}

/**
 * Live: the credential of each vault configuration, with what it may do on each vault (the
 * capabilities it has on every checked secret there). Adds each capability to `permissionNames`.
 */
function credentialIdentities(inventory: Inventory, slots: VaultSlots, slotOfSecret: Map<InventorySecret, VaultSlot>, permissionNames: Set<string>): VezaIdentityToPermissions[] {
  const byCredential = new Map<string, Map<string, string[] | undefined>>();
  for (const secret of inventory.secrets) {
    const caps = grantedCapabilities(secret);
    if (!caps) continue;
    const credential = slots.scoped(secret.folder, `credential:${secret.vault}`);
    const perVault = byCredential.get(credential) ?? new Map<string, string[] | undefined>();
    const vaultId = slotOfSecret.get(secret)!.vault.id;
    const before = perVault.get(vaultId);
    perVault.set(vaultId, before === undefined ? caps : before.filter((c) => caps.includes(c)));
    byCredential.set(credential, perVault);
  }
  const identities: VezaIdentityToPermissions[] = [];
  for (const [credential, perVault] of [...byCredential.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    // One assignment per distinct set of capabilities.
    const groups = new Map<string, { vault: string[]; permissions: string[] }>();
    for (const [vaultId, caps] of perVault) {
      if (!caps || caps.length === 0) continue;
      const permissions = [...caps].sort();
      for (const p of permissions) permissionNames.add(p);
      const key = permissions.join(',');
      const group = groups.get(key) ?? { vault: [], permissions };
      group.vault.push(vaultId);
      groups.set(key, group);
    }
    if (groups.size === 0) continue;
    identities.push({
      identity: credential,
      identity_type: 'vault_credential',
      permission_assignments: [...groups.values()].map((g) => ({ vault: g.vault.sort(), permissions: g.permissions })),
    });
  }
  return identities;
}

export function toVezaPayload(inventory: Inventory, options: { name?: string } = {}): VezaSecretStorePayload {
  const slots = new VaultSlots(inventory);
  declareVaults(inventory, slots);
  const slotOfSecret = addEntries(inventory, slots);
  const identities = connectionIdentities(inventory, slots, slotOfSecret);
  const permissionNames = new Set<string>([readPermission]);
  if (inventory.live) identities.push(...credentialIdentities(inventory, slots, slotOfSecret, permissionNames));

  const storeProperties: VezaProperties = {};
  put(storeProperties, 'providers', [...new Set(inventory.vaults.map((v) => v.provider).filter((p): p is NonNullable<typeof p> => p !== null))].sort());
  put(storeProperties, 'folders', inventory.folders);
  storeProperties.live = inventory.live;
  const name = options.name ?? `secretrefs ${inventory.folders.join(', ') || '.'}`;
  return {
    secret_store_type: 'secretrefs',
    custom_property_definition: propertyTypes,
    secret_store: {
      name,
      id: name,
      description: 'Vault configurations and the secrets that connections read from them, as found by secretrefs inventory.',
      custom_properties: storeProperties,
      permissions: [...permissionNames].sort().map((p) => ({ name: p, id: p, allow_identity_assume: assumingPermissions.has(p) })),
      secret_store_vaults: [...slots.byId.values()].map((s) => s.vault).sort((a, b) => a.id.localeCompare(b.id)),
      identity_to_permissions: identities,
    },
  };
}
