/**
 * Settings shared by the VS Code client and the language server.
 * Every key lives under the `secretRefs.` prefix; package.json's `contributes.configuration`
 * declares the same keys with the same defaults (a test keeps the two in step).
 */
export interface Settings {
  files: {
    /** Glob patterns (relative to a workspace folder) of vault configuration files. */
    vaultConfigs: string[];
    /** Glob patterns of connection files. */
    connections: string[];
    /** Glob patterns never indexed or checked. */
    exclude: string[];
    /** Files larger than this many kilobytes are reported and not parsed. */
    maxSizeKb: number;
    /** At most this many files are read in all workspace folders together (CLI: per run); the rest are not read. */
    maxFiles: number;
  };
  diagnostics: {
    /** Diagnostic codes that are never reported. */
    disabled: string[];
  };
  live: {
    /** Check references against the secret managers when credentials are at hand. */
    enabled: boolean;
    /** Timeout of one request to a secret manager. */
    timeoutSeconds: number;
    /** A secret that expires within this many days is reported as expiring. */
    expiryWarningDays: number;
  };
  cache: {
    /** How long facts from a secret manager are kept; 0 disables the cache. */
    ttlSeconds: number;
  };
  hardcodedCredentials: {
    /** Report literal secrets in connection files (`hardcoded-credential`). */
    enabled: boolean;
    /** Detection rules that are off: secretlint rule ids (e.g. `@secretlint/secretlint-rule-basicauth`) or `credential-field`. */
    disabledRules: string[];
    /** Field names whose literal value is a credential (matched whole or as a `_` part of the key). */
    fieldNames: string[];
  };
}

export const defaultSettings: Settings = {
  files: {
    vaultConfigs: ['**/*.vault.yaml', '**/*.vault.yml'],
    connections: ['**/*.connection.yaml', '**/*.connection.yml'],
    exclude: ['**/node_modules/**', '**/.git/**'],
    maxSizeKb: 2048,
    maxFiles: 5000,
  },
  diagnostics: {
    disabled: [],
  },
  live: {
    enabled: true,
    timeoutSeconds: 5,
    expiryWarningDays: 14,
  },
  cache: {
    ttlSeconds: 1800,
  },
  hardcodedCredentials: {
    enabled: true,
    disabledRules: [],
    fieldNames: ['password', 'passwd', 'pwd', 'secret', 'client_secret', 'secret_access_key', 'token', 'access_token', 'refresh_token', 'session_token', 'api_key', 'apikey', 'private_key'],
  },
};

/**
 * Bounds of the numeric settings that limit what a repository can make the product read or wait
 * for: a value outside is clamped to the nearest bound (package.json declares the same range, a
 * test keeps the two equal).
 */
export const settingBounds = {
  'files.maxSizeKb': { minimum: 1, maximum: 16384 },
  'files.maxFiles': { minimum: 1, maximum: 100000 },
  'live.timeoutSeconds': { minimum: 1, maximum: 60 },
} as const;

/** Section name used with `workspace/configuration` and `initializationOptions.settings`. */
export const settingsSection = 'secretRefs';

function stringArray(value: unknown, fallback: string[]): string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? [...value] : [...fallback];
}

/** A number within `bounds` (clamped to the nearest bound); the fallback when it is not a number at all. */
function boundedNumber(value: unknown, fallback: number, bounds: { minimum: number; maximum: number }): number {
  if (typeof value !== 'number' || Number.isNaN(value)) return fallback;
  return Math.min(bounds.maximum, Math.max(bounds.minimum, value));
}

function nonNegativeNumber(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Turns whatever a client sent (possibly nothing, possibly malformed) into complete settings. */
export function normalizeSettings(raw: unknown): Settings {
  const root = record(raw);
  const files = record(root.files);
  const diagnostics = record(root.diagnostics);
  const live = record(root.live);
  const cache = record(root.cache);
  const hardcoded = record(root.hardcodedCredentials);
  const d = defaultSettings;
  return {
    files: {
      vaultConfigs: stringArray(files.vaultConfigs, d.files.vaultConfigs),
      connections: stringArray(files.connections, d.files.connections),
      exclude: stringArray(files.exclude, d.files.exclude),
      maxSizeKb: boundedNumber(files.maxSizeKb, d.files.maxSizeKb, settingBounds['files.maxSizeKb']),
      maxFiles: Math.floor(boundedNumber(files.maxFiles, d.files.maxFiles, settingBounds['files.maxFiles'])),
    },
    diagnostics: {
      disabled: stringArray(diagnostics.disabled, d.diagnostics.disabled),
    },
    live: {
      enabled: typeof live.enabled === 'boolean' ? live.enabled : d.live.enabled,
      timeoutSeconds: boundedNumber(live.timeoutSeconds, d.live.timeoutSeconds, settingBounds['live.timeoutSeconds']),
      expiryWarningDays: nonNegativeNumber(live.expiryWarningDays, d.live.expiryWarningDays),
    },
    cache: {
      ttlSeconds: nonNegativeNumber(cache.ttlSeconds, d.cache.ttlSeconds),
    },
    hardcodedCredentials: {
      enabled: typeof hardcoded.enabled === 'boolean' ? hardcoded.enabled : d.hardcodedCredentials.enabled,
      disabledRules: stringArray(hardcoded.disabledRules, d.hardcodedCredentials.disabledRules),
      fieldNames: stringArray(hardcoded.fieldNames, d.hardcodedCredentials.fieldNames),
    },
  };
}
