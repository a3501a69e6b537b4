/**
 * What the VS Code client answers to `secretRefs/credential`, for tests that stand in for it: the
 * credential sealed with the session key and bound to vault, provider, origin and TLS settings.
 */
import { tlsIdentity } from '../../shared/src/addresses';
import type { Credential, CredentialParams } from '../../shared/src/customMessages';
import { credentialBinding, seal } from '../../shared/src/sealing';

export function sealFor(sessionKey: string, params: CredentialParams, credential: Credential): { sealed: string } {
  return { sealed: seal(sessionKey, JSON.stringify(credential), credentialBinding(params.vault, params.provider, params.address, tlsIdentity(params.tls))) };
}

/** An `onCredential` handler: `credentialFor` decides (undefined: the editor has none). */
export function editorCredentials(sessionKey: string, credentialFor: (params: CredentialParams) => Credential | undefined): (params: unknown) => { sealed: string } | null {
  return (raw) => {
    const params = raw as CredentialParams;
    const credential = credentialFor(params);
    return credential ? sealFor(sessionKey, params, credential) : null;
  };
}
