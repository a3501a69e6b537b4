import type { Connection } from 'vscode-languageserver';
import { tlsIdentity } from '../../../shared/src/addresses';
import { credentialRequest, type Credential, type CredentialParams, type CredentialResult } from '../../../shared/src/customMessages';
import { providerDescriptor } from '../../../shared/src/providers';
import { credentialBinding, unseal } from '../../../shared/src/sealing';
import type { CredentialSource } from './credentials';

/**
 * Credentials from the VS Code client: its secret storage, or the environment of the extension
 * host, each released only for an origin (and TLS settings) the user approved. The client seals
 * them with the session key it gave this process at start, bound to vault, provider, origin and
 * TLS settings, so the LSP wire (and its trace) carries only ciphertext, and a credential issued for
 * one address is useless for another.
 */
export function clientCredentials(connection: Connection, sessionKey: string, log: (message: string) => void): CredentialSource {
  return {
    async get(vault, target) {
      const params: CredentialParams = {
        vault: vault.name,
        provider: vault.provider ?? '',
        address: target.address,
        ...(target.tls ? { tls: target.tls } : {}),
        // What the client needs to look in its environment: HashiCorp `auth`, AWS `profile`.
        ...providerDescriptor(vault.provider)?.credentials.requestParams?.(vault),
      };
      let result: CredentialResult | null;
      try {
        result = await connection.sendRequest<CredentialResult | null>(credentialRequest, params);
      } catch (error) {
        log(`The editor did not provide a credential for vault "${vault.name}": ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      }
      if (!result?.sealed) return undefined;
      const plain = unseal(sessionKey, result.sealed, credentialBinding(params.vault, params.provider, params.address, tlsIdentity(params.tls)));
      if (plain === undefined) {
        log(`The credential for vault "${vault.name}" could not be unsealed; it was ignored.`);
        return undefined;
      }
      try {
        return JSON.parse(plain) as Credential;
      } catch {
        return undefined;
      }
    },
  };
}
