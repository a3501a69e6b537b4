/** `provider: local`: the embedded local vault, an encrypted file outside the workspace. */
import { decodeRawKey, MIN_PASSPHRASE_LENGTH, passphraseLength } from '../localKey';
import { envText, isText } from './common';
import type { InputCheck, ProviderDescriptor } from './descriptor';

/**
 * A short passphrase is a warning, not a refusal: it still opens a local vault created with it
 * before passphrases had a minimum, while a new vault refuses it (the server says so on the first write).
 */
const localKeyProblem: InputCheck = (value) => {
  const key = value.trim();
  if (key === '') return 'Enter the key or passphrase.';
  if (decodeRawKey(key) !== undefined || passphraseLength(key) >= MIN_PASSPHRASE_LENGTH) return undefined;
  return {
    warning:
      `Shorter than ${MIN_PASSPHRASE_LENGTH} characters: it opens a local vault created with it, but a new local vault needs a passphrase of at least ` +
      `${MIN_PASSPHRASE_LENGTH} characters or a 32-byte key ("Generate a new random key").`,
  };
};

export const local: ProviderDescriptor<'local'> = {
  id: 'local',
  title: 'Local encrypted vault',
  fields: [],
  credentialFields: [],
  tls: false,
  // Nothing leaves the machine: no address to approve or trust.
  sendsCredentials: false,

  displayAddress: (vault) => vault.address ?? '',
  target: () => ({ ok: true, origin: '', url: undefined, source: 'none' }),
  identity: () => undefined,

  hasEngines: false,
  versionKind: 'number',
  stages: false,
  createWithCas: true,

  labels: {
    location: () => undefined,
    store: (vault) => ({ type: 'local', location: vault.name }),
    writeTarget: (locator) => `local: ${locator.path}`,
  },

  credentials: {
    stored: {
      'local-key': (v) => (isText(v.key) ? { kind: 'local-key', key: v.key } : undefined),
    },
    async environment(_params, reader) {
      const key = envText(reader.env.SECRETREFS_LOCAL_KEY);
      return key ? { credential: { kind: 'local-key', key }, id: 'env:SECRETREFS_LOCAL_KEY', label: 'SECRETREFS_LOCAL_KEY from the environment' } : undefined;
    },
    signIn: {
      placeHolder: 'The key of the local vault',
      methods: [
        {
          id: 'enter',
          label: 'Enter the key or passphrase',
          detail: `The 32-byte key (base64 or hex) or the passphrase the vault file was created with; a new vault needs a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters`,
          steps: [
            {
              kind: 'secret',
              answer: 'key',
              prompt: `Key or passphrase of the local vault (a new vault needs a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters, or a 32-byte key)`,
              check: localKeyProblem,
            },
          ],
          credential: (a) => ({ kind: 'local-key', key: a.key! }),
        },
        {
          id: 'generate',
          label: 'Generate a new random key',
          detail: 'For a new local vault: a random 32-byte key, which you must keep a copy of',
          steps: [
            {
              kind: 'generated-key',
              answer: 'key',
              warning: (name) => `A new key was generated for the local vault "${name}". Keep a copy of it somewhere safe.`,
              detail:
                'Without this key, the secrets written to this local vault cannot be read again: VS Code\'s secret storage is not a backup. ' +
                'Copy it now into your password manager.',
            },
          ],
          credential: (a) => ({ kind: 'local-key', key: a.key! }),
        },
      ],
    },
  },

  configure: { steps: [], write: () => undefined },
};
