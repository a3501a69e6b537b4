/**
 * What a secret manager is, for everything that is not its live client: the fields of its vault
 * configurations, where its credentials go, what it calls things, which credentials it takes and
 * how Sign In and Add Vault Configuration ask for them. Pure (no Node API, no SDK): the language
 * service, the server and the VS Code client read the same descriptor. The server part of a
 * provider (building it, the environment's credentials for the CLI, its own endpoints) is
 * `server/src/providers/<id>/descriptor.ts`.
 */
import type { Credential, CredentialParams } from '../customMessages';
import type { SecretLocator } from '../secretModel';

/** Environment variables, read only (process.env is one). */
export type Env = Readonly<Record<string, string | undefined>>;

/** How to connect: settings of a vault configuration that never hold a credential. */
export interface VaultConnectionSettings {
  caCertificate?: string;
  tlsSkipVerify?: boolean;
  auth?: 'token' | 'approle';
  authMount?: string;
  autoRenew?: boolean;
  endpoint?: string;
  profile?: string;
}

/** A vault configuration as a descriptor reads it (the language service's VaultFact is one). */
export interface VaultView {
  name: string;
  /** The address the file names in the provider's address field other than `endpoint` (hashicorp `url`, azure `vault_url`). */
  address: string | undefined;
  region: string | undefined;
  project: string | undefined;
  namespace: string | undefined;
  connection: VaultConnectionSettings;
}

export type ConfigFieldType = 'string' | 'boolean' | 'url' | 'enum' | 'engines';

/** A field that vault configurations of this provider may have. */
export interface ConfigField {
  /** The key as written in `*.vault.yaml`. */
  name: string;
  type: ConfigFieldType;
  /** One sentence for completion and for the diagnostic of a missing required field. */
  doc: string;
  required?: boolean;
  /** The values of an `enum` field. */
  values?: readonly string[];
}

/** Where a vault's address came from: the file, VAULT_ADDR, the provider's own endpoint, or none (the local vault). */
export type AddressSource = 'file' | 'VAULT_ADDR' | 'provider' | 'none';

/** Where a vault's credential goes, parsed; or why it cannot go anywhere. */
export type AddressTarget =
  | {
      ok: true;
      /** `scheme://host[:port]`; '' for the local vault, which sends nothing anywhere. */
      origin: string;
      /** The address handed to the provider, rebuilt from the parsed URL; undefined when its SDK picks its own endpoint. */
      url: string | undefined;
      source: AddressSource;
    }
  | { ok: false; reason: string };

/**
 * How a reference names a vault by address rather than by configuration name: a workflow's
 * `url:`, an External Secrets store's `server`, `region`, `vaultUrl` or `projectID`, vals'
 * `address=`. Each descriptor reads what identifies a vault of its provider.
 */
export interface VaultAddressing {
  address?: string;
  region?: string;
  endpoint?: string;
  project?: string;
}

/** Where a vault is, for hover and completion: an address, or a region or project with its label. */
export interface VaultLocation {
  value: string;
  /** 'region', 'project'; absent for an address. */
  label?: string;
}

/** What a credential is stored as: a credential, or a marker that VS Code's Microsoft sign-in provides the token. */
export type StoredCredential = Credential | { kind: 'azure-microsoft'; account?: string };

/** A credential found in the environment, and what the prompt calls its source. */
export interface EnvironmentCredential {
  credential: Credential;
  /** Stable id of the source, part of what the user approves: another source asks again. */
  id: string;
  /** For the prompt: "VAULT_TOKEN from the environment". */
  label: string;
}

/** Where the environment is read from (process.env and the file system; fakes in tests). */
export interface EnvironmentAccess {
  env: Env;
  /** The user's home folder, if known. */
  home(): string | undefined;
  /** A small file's text (credential files are a few KiB); undefined when it is missing, unreadable or too large. */
  readFile(file: string): Promise<string | undefined>;
}

/** EnvironmentAccess with the host's path rules, so that a descriptor reads files without Node's own modules. */
export interface EnvironmentReader extends EnvironmentAccess {
  join(...parts: string[]): string;
  /** process.platform of the host. */
  platform: string;
}

/** One answer to pick in a prompt. */
export interface Choice {
  id: string;
  label: string;
  detail?: string;
}

/** An input check: a problem, a warning that lets the value through, or nothing. */
export type InputCheck = (value: string) => string | { warning: string } | undefined;

/** One question of Sign In; its answer is kept under `answer`. */
export type SignInStep =
  /** Text, required, trimmed. */
  | { kind: 'text'; answer: string; prompt: string; what: string; placeHolder?: string }
  /** A password input, trimmed: required (`what` names it), or as `check` decides. */
  | ({ kind: 'secret'; answer: string; prompt: string } & ({ what: string; check?: undefined } | { check: InputCheck; what?: undefined }))
  /** A password input that may be left empty ('' then). */
  | { kind: 'optional-secret'; answer: string; prompt: string }
  /** A new random 32-byte key (base64), shown once with `warning` and offered for the clipboard. */
  | { kind: 'generated-key'; answer: string; warning: (vaultName: string) => string; detail: string }
  /** VS Code's Microsoft sign-in for `scope`; the answer is the account's label. */
  | { kind: 'microsoft-account'; answer: string; scope: string }
  /** A file picked and imported (its text), at most `maxBytes`, checked by `problem`. */
  | {
      kind: 'key-file';
      answer: string;
      openLabel: string;
      filters: Record<string, string[]>;
      maxBytes: number;
      /** What the file must be, for the error: "a Google Cloud service-account key". */
      what: string;
      /** Why the text is not such a file; never quotes it. */
      problem: (text: string) => string | undefined;
    };

export interface SignInMethod extends Choice {
  steps: readonly SignInStep[];
  /** The credential from the answers (each step's trimmed text by its `answer`). */
  credential(answers: Readonly<Record<string, string>>): StoredCredential;
}

/** What Sign In asks: a method (asked with `placeHolder` when there are several), then its steps. */
export interface SignInFlow {
  placeHolder?: string;
  methods: readonly SignInMethod[];
}

/** One KV engine declared by Add Vault Configuration. */
export interface EngineInput {
  path: string;
  version: 1 | 2;
}

/** One question of Add Vault Configuration; its answer is kept under `answer`. */
export type ConfigureStep =
  /** Text, trimmed; `required` names what is asked for ("a region"), else it may be left empty. */
  | { kind: 'text'; answer: string; prompt: string; placeHolder: string; required?: string; check?: (text: string) => string | undefined }
  | { kind: 'pick'; answer: string; placeHolder: string; choices: readonly Choice[] }
  /** KV engines to declare, one by one. */
  | { kind: 'engines'; answer: string };

export type ConfigAnswers = Readonly<Record<string, string | readonly EngineInput[] | undefined>>;

/** Writes lines of a new vault configuration. */
export interface ConfigFileWriter {
  /** `key: value`, quoted when needed; nothing when the value is undefined or ''. */
  field(key: string, value: string | undefined): void;
  line(text: string): void;
  /** A YAML scalar that reads back as the same string. */
  scalar(text: string): string;
}

export interface ProviderDescriptor<Id extends string = string> {
  /** The `provider:` value. */
  id: Id;
  /** Its name for people: "HashiCorp Vault". */
  title: string;

  /** Fields of its vault configurations besides name, provider, enabled, description and owner. */
  fields: readonly ConfigField[];
  /** The field that names where credentials go; absent when nothing is sent anywhere. */
  addressField?: string;
  /** Field names that would hold one of its credentials: never allowed in a vault configuration. */
  credentialFields: readonly string[];
  /** The vault configuration's TLS settings (`ca_certificate`, `tls_skip_verify`) apply to its requests. */
  tls: boolean;
  /** It sends a credential over the network, so the address must be approved or trusted (all but the local vault). */
  sendsCredentials: boolean;

  /** Where credentials are sent, as written, for display (inventory, troubleshooting); '' when nowhere. */
  displayAddress(vault: VaultView, env: Env): string;
  /** Where the credential goes, parsed: what approvals and trust decide on. */
  target(vault: VaultView, env: Env): AddressTarget;
  /**
   * What identifies a vault of this provider by address (compared among vaults of the same
   * provider only): undefined when `where` does not say enough.
   */
  identity(where: VaultAddressing): string | undefined;
  /** Troubleshooting: what to fix when the vault has no address, for a provider that needs one. */
  missingAddress?: string;

  /** Secrets live in engines (mounts) at paths, attached with `engine` and `path`; otherwise by name, with `secret`. */
  hasEngines: boolean;
  /** A version pin: a positive integer; a version id; a positive integer or `latest`. */
  versionKind: 'number' | 'id' | 'number-or-latest';
  /** Versions carry staging labels, pinned with `version_stage`. */
  stages: boolean;
  /** Check-and-set takes the current version number, 0 for a secret that does not exist yet (Move to Vault writes with it). */
  createWithCas: boolean;

  labels: {
    /** Where the vault is, for hover and completion. */
    location(vault: VaultView): VaultLocation | undefined;
    /** Inventory: the store that holds the secrets, when it is not engines. */
    store?(vault: VaultView): { type: string; location: string };
    /** Inventory: the resource the caller's permissions are asked on, when it is not the read path. */
    permissionPath?(vault: VaultView, locator: SecretLocator): string;
    /** Inventory: why an empty list of permissions says nothing (the provider has no permission check). */
    noPermissionCheck?: string;
    /** Write Secret: where a write goes, e.g. `/v1/secret/data/app`. */
    writeTarget(locator: SecretLocator, kvVersion: 1 | 2 | undefined): string;
  };

  credentials: {
    /** Each kind of stored credential it takes, and how a stored value is read back (anything malformed is none). */
    stored: Readonly<Record<string, (value: Readonly<Record<string, unknown>>) => StoredCredential | undefined>>;
    /** What a credential request carries besides vault and address, so the client can look in its environment. */
    requestParams?(vault: VaultView): Pick<CredentialParams, 'auth' | 'profile'>;
    /** The credential the VS Code extension host's environment holds for the vault, read as the provider's own tools read it. */
    environment(params: CredentialParams, reader: EnvironmentReader): Promise<EnvironmentCredential | undefined>;
    signIn: SignInFlow;
  };

  /** Add Vault Configuration: what it asks, and the lines it writes. */
  configure: {
    steps: readonly ConfigureStep[];
    write(answers: ConfigAnswers, file: ConfigFileWriter): void;
  };
}
