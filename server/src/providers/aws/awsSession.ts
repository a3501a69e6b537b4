/**
 * The SDK side of the AWS provider: loads @aws-sdk/client-secrets-manager and
 * @smithy/node-http-handler on first use, builds one SecretsManagerClient, and runs each call with a
 * bounded time. Only `import type` at the top: nothing of the SDK is loaded before the first call.
 *
 * Time bounds: every HTTP attempt is limited by the handler (connection, request and socket idle
 * timeouts = timeoutMs, `throwOnRequestTimeout`), the SDK makes at most 2 attempts (`maxAttempts: 2`,
 * standard retry mode), and the whole call (credential resolution included) is cut by a deadline of
 * `2 * timeoutMs + 800 ms` that aborts the request. So a hang or a 500 is reported within
 * `2 * timeoutMs + 1 s`.
 *
 * Transport: requests go through BoundedHandler (boundedHandler.ts): no redirect is followed and
 * no response body over MAX_RESPONSE_BYTES is read.
 */
import type {
  DescribeSecretCommandInput,
  DescribeSecretCommandOutput,
  GetSecretValueCommandInput,
  GetSecretValueCommandOutput,
  ListSecretsCommandInput,
  ListSecretsCommandOutput,
  ListSecretVersionIdsCommandInput,
  ListSecretVersionIdsCommandOutput,
  PutSecretValueCommandInput,
  PutSecretValueCommandOutput,
  SecretsManagerClient,
  SecretsManagerClientConfig,
} from '@aws-sdk/client-secrets-manager';
import { MAX_RESPONSE_BYTES } from '../responseLimits';
import { RetryingLazy } from '../sessionHelpers';
import { BoundedHandler } from './boundedHandler';
import type { AwsOperation } from './errors';

export interface AwsSessionOptions {
  region: string;
  profile?: string;
  endpoint?: string;
  timeoutMs: number;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export interface OperationTypes {
  ListSecrets: [ListSecretsCommandInput, ListSecretsCommandOutput];
  DescribeSecret: [DescribeSecretCommandInput, DescribeSecretCommandOutput];
  GetSecretValue: [GetSecretValueCommandInput, GetSecretValueCommandOutput];
  ListSecretVersionIds: [ListSecretVersionIdsCommandInput, ListSecretVersionIdsCommandOutput];
  PutSecretValue: [PutSecretValueCommandInput, PutSecretValueCommandOutput];
}

type Sdk = typeof import('@aws-sdk/client-secrets-manager');

/** Rejection of a call cut by the deadline: shaped like the SDK's own timeout so errors.ts maps it alike. */
class DeadlineError extends Error {
  override readonly name = 'TimeoutError';
  readonly code = 'ETIMEDOUT';
}

const noop = (): void => undefined;
/** The Node handler logs to `console` by default; stdout is the LSP channel, so it gets this instead. */
const silentLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop };

const WARNING_FLAG = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/**
 * Runs `make` (the client constructor) with the SDK's Node-version warning switched off.
 *
 * SDK 3.1164 calls `process.emitWarning("NodeVersionSupportWarning: ... will require node >=22")`
 * once per process, from the client constructor, on any Node older than 22. On Node 20 (our
 * supported floor) that warning lands on stderr: in the language server's output channel and in
 * the terminal of every `secretrefs` run, where it is noise the user cannot act on. The SDK's
 * documented switch is the environment variable AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
 * (aws/aws-sdk-js-v3#7983); it is read synchronously in the constructor, so it is set only for the
 * duration of the constructor and restored afterwards (the SDK remembers that it has "warned").
 */
function withoutNodeVersionWarning<T>(make: () => T): T {
  const had = Object.prototype.hasOwnProperty.call(process.env, WARNING_FLAG);
  const previous = process.env[WARNING_FLAG];
  process.env[WARNING_FLAG] = 'true';
  try {
    return make();
  } finally {
    if (had) process.env[WARNING_FLAG] = previous;
    else delete process.env[WARNING_FLAG];
  }
}

export class AwsSession {
  private readonly loaded = new RetryingLazy(() => this.create());
  private readonly deadlineMs: number;

  constructor(private readonly options: AwsSessionOptions) {
    this.deadlineMs = options.timeoutMs * 2 + 800;
  }

  /** Sends one operation; rejects with whatever the SDK rejects with (see errors.ts toFailure). */
  async send<K extends AwsOperation>(operation: K, input: OperationTypes[K][0]): Promise<OperationTypes[K][1]> {
    const { sdk, client } = await this.loaded.get();
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new DeadlineError('deadline'));
      }, this.deadlineMs);
    });
    const request = client.send(command(sdk, operation, input) as never, { abortSignal: controller.signal }) as Promise<OperationTypes[K][1]>;
    request.catch(noop); // may settle after the deadline won
    try {
      return await Promise.race([request, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  dispose(): void {
    this.loaded.reset()?.then(({ client }) => client.destroy(), noop);
  }

  private async create(): Promise<{ sdk: Sdk; client: SecretsManagerClient }> {
    const [sdk, http] = await Promise.all([import('@aws-sdk/client-secrets-manager'), import('@smithy/node-http-handler')]);
    const o = this.options;
    const nodeHandler = new http.NodeHttpHandler({
      connectionTimeout: o.timeoutMs,
      requestTimeout: o.timeoutMs,
      socketTimeout: o.timeoutMs,
      throwOnRequestTimeout: true,
      logger: silentLogger,
    });
    const requestHandler = new BoundedHandler(nodeHandler, MAX_RESPONSE_BYTES) as unknown as SecretsManagerClientConfig['requestHandler'];
    const config: SecretsManagerClientConfig = {
      region: o.region,
      maxAttempts: 2,
      retryMode: 'standard',
      requestHandler,
      // @aws-sdk/credential-providers is not installed: without explicit credentials the client's
      // default chain (env, shared files, SSO, process, instance metadata) is used, and `profile`
      // here selects the profile that chain reads.
      ...(o.profile !== undefined ? { profile: o.profile } : {}),
      ...(o.endpoint !== undefined ? { endpoint: o.endpoint } : {}),
      ...(o.credentials
        ? {
            credentials: {
              accessKeyId: o.credentials.accessKeyId,
              secretAccessKey: o.credentials.secretAccessKey,
              ...(o.credentials.sessionToken !== undefined ? { sessionToken: o.credentials.sessionToken } : {}),
            },
          }
        : {}),
    };
    const client = withoutNodeVersionWarning(() => new sdk.SecretsManagerClient(config));
    return { sdk, client };
  }
}

function command(sdk: Sdk, operation: AwsOperation, input: unknown): unknown {
  switch (operation) {
    case 'ListSecrets':
      return new sdk.ListSecretsCommand(input as ListSecretsCommandInput);
    case 'DescribeSecret':
      return new sdk.DescribeSecretCommand(input as DescribeSecretCommandInput);
    case 'GetSecretValue':
      return new sdk.GetSecretValueCommand(input as GetSecretValueCommandInput);
    case 'ListSecretVersionIds':
      return new sdk.ListSecretVersionIdsCommand(input as ListSecretVersionIdsCommandInput);
    case 'PutSecretValue':
      return new sdk.PutSecretValueCommand(input as PutSecretValueCommandInput);
  }
}
