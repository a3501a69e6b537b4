/**
 * The server part of a provider's descriptor: what needs Node or the provider's SDK. The pure part
 * (fields, addresses, labels, credential kinds) is shared/src/providers/<id>.ts; this part lives
 * with the provider, in server/src/providers/<id>/descriptor.ts, and loads the provider's own
 * bundle (dist/providers/<id>.js) only when a vault of that provider is first used.
 */
import type { Credential } from '../../../shared/src/customMessages';
import type { Env, VaultView } from '../../../shared/src/providers/descriptor';
import type { LiveProvider } from './secretProvider';

/** What a live provider is made from, once the address is resolved and the credential released for it. */
export interface CreateRequest {
  vault: VaultView;
  /** The address rebuilt from the parsed URL, never the text as written; undefined when the SDK picks its own endpoint. */
  url: string | undefined;
  /** The CA certificate read once, whose hash the credential was released for (providers with TLS settings). */
  caCertificate: string | undefined;
  credential: Credential;
  timeoutMs: number;
  env: NodeJS.ProcessEnv;
  /** News for the user (a token that can no longer be renewed, verification turned off). */
  warn(message: string): void;
  /** Options for loopback fakes, set by tests only: never from a workspace file. */
  testing: Record<string, unknown> | undefined;
}

export interface ProviderRuntime {
  /**
   * Whether a host (reached over https on port 443) is one of the provider's own public
   * endpoints, which receive credentials from the environment without being named as trusted.
   */
  ownEndpoint?(host: string): boolean;
  /**
   * The credential the environment offers where no VS Code client holds credentials (the CLI,
   * other editors), as the provider's own tools find it; sent only to trusted addresses.
   */
  environmentCredential(vault: VaultView, env: Env, home: () => string | undefined): Promise<Credential | undefined>;
  /** The live provider, its bundle loaded on first use; undefined when the credential is not one it takes. */
  create(request: CreateRequest): Promise<LiveProvider | undefined>;
}
