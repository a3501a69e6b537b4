/** The embedded local vault (`provider: local`). */
export { LocalVaultProvider, type LocalVaultProviderOptions, type LocalSecretVersion } from './localVaultProvider';
export { localPut, localGet, localList, type LocalCommandOptions } from './localCli';
export {
  resolveLocalKey,
  parseLocalKey,
  decodeRawKey,
  LOCAL_KEY_ENV,
  DEFAULT_SCRYPT_COST,
  MIN_PASSPHRASE_LENGTH,
  type LocalVaultKey,
  type ScryptCost,
  type KdfParams,
} from './localVaultCrypto';
export {
  resolveLocalDir,
  localVaultFileName,
  localVaultFilePath,
  LOCAL_DIR_ENV,
  LOCAL_VAULT_FORMAT,
  LOCAL_VAULT_FORMAT_VERSION,
  LOCAL_VAULT_FILE_SUFFIX,
  type LocalVaultEnvelope,
} from './localVaultStore';
export { DEFAULT_MAX_VERSIONS, type MetadataPatch } from './localVaultState';
