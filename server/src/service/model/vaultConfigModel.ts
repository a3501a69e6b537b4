import { isMap, isScalar, type Document, type Node, type Pair, type Scalar } from 'yaml';
import { isProviderId, providerDescriptor } from '../../../../shared/src/providers';
import { pairsOf } from '../yaml/parseYaml';
import { checkFields, spanOf, stringValue, type FieldCheckContext } from './checkFields';
import { credentialFields, engineFields, vaultConfigFields } from './fieldSpecs';
import type { EngineDeclaration, Problem, Span, VaultConfigModel } from './types';

const documentStart: Span = { start: 0, end: 1 };

/** Reads a vault configuration, reporting schema and credential problems into `problems`. */
export function buildVaultConfig(doc: Document.Parsed, problems: Problem[]): VaultConfigModel {
  const model: VaultConfigModel = {
    name: undefined,
    provider: undefined,
    enabled: true,
    description: undefined,
    owner: undefined,
    url: undefined,
    namespace: undefined,
    region: undefined,
    vaultUrl: undefined,
    project: undefined,
    addressSpan: undefined,
    engines: undefined,
    connection: {},
  };
  const root = doc.contents;
  if (!isMap(root)) {
    problems.push({
      code: 'invalid-config',
      span: spanOf(root, documentStart),
      message: 'A vault configuration is a mapping with at least `name` and `provider`.',
    });
    return model;
  }
  const allPairs = pairsOf(root);
  const fieldPairs: Pair<Scalar, Node | null>[] = [];
  for (const pair of allPairs) {
    const name = String(pair.key.value);
    if (credentialFields.includes(name)) {
      problems.push({
        code: 'credential-in-config',
        span: spanOf(pair.key, documentStart),
        message: `Remove \`${name}\`: credentials never belong in a vault configuration. Sign in from the editor or use the provider's environment variables instead.`,
      });
    } else {
      fieldPairs.push(pair);
    }
  }
  const providerValue = root.get('provider');
  const provider = isProviderId(providerValue) ? providerValue : undefined;
  const nameSpan = spanOf(allPairs[0]?.key, documentStart);
  const ctx: FieldCheckContext = { holder: 'vault configuration', provider, problems };
  const valid = checkFields(fieldPairs, vaultConfigFields, ctx, nameSpan);

  model.provider = provider;
  const name = valid.get('name');
  if (name) {
    model.name = { value: stringValue(name.value) ?? '', span: spanOf(name.value, nameSpan) };
  }
  const text = (field: string) => stringValue(valid.get(field)?.value ?? null);
  const enabled = valid.get('enabled')?.value;
  model.enabled = !(isScalar(enabled) && enabled.value === false);
  model.description = text('description');
  model.owner = text('owner');
  model.url = text('url');
  model.namespace = text('namespace');
  model.region = text('region');
  model.vaultUrl = text('vault_url');
  model.project = text('project');
  // Where the file names the address its provider sends credentials to (`url`, `vault_url`, `endpoint`).
  const addressKey = providerDescriptor(provider)?.addressField;
  const addressField = addressKey !== undefined ? valid.get(addressKey) : undefined;
  if (addressField) model.addressSpan = spanOf(addressField.value, spanOf(addressField.key, nameSpan));
  const flag = (field: string) => {
    const node = valid.get(field)?.value;
    return isScalar(node) && typeof node.value === 'boolean' ? node.value : undefined;
  };
  const auth = text('auth');
  model.connection = {
    caCertificate: text('ca_certificate'),
    tlsSkipVerify: flag('tls_skip_verify'),
    auth: auth === 'approle' || auth === 'token' ? auth : undefined,
    authMount: text('auth_mount'),
    autoRenew: flag('auto_renew'),
    endpoint: text('endpoint'),
    profile: text('profile'),
  };
  const skip = valid.get('tls_skip_verify');
  if (model.connection.tlsSkipVerify && skip) {
    problems.push({
      code: 'tls-verification-disabled',
      span: spanOf(skip.key, documentStart),
      message: 'TLS verification is off: anyone between you and Vault can pose as it and receive your token. Prefer `ca_certificate` with the CA that signed the Vault certificate.',
    });
  }
  const engines = valid.get('engines');
  if (engines) model.engines = readEngines(engines, problems);
  return model;
}

function readEngines(pair: Pair<Scalar, Node | null>, problems: Problem[]): EngineDeclaration[] | undefined {
  const node = pair.value;
  if (!isMap(node)) {
    problems.push({
      code: 'invalid-config',
      span: spanOf(node, spanOf(pair.key, documentStart)),
      message: '`engines` maps engine paths to their type and version, e.g. `secret: { type: kv, version: 2 }`.',
    });
    return undefined;
  }
  const declarations: EngineDeclaration[] = [];
  for (const engine of pairsOf(node)) {
    const path = normalizeEnginePath(String(engine.key.value));
    const span = spanOf(engine.key, documentStart);
    if (path === '') {
      problems.push({ code: 'invalid-config', span, message: 'An engine path cannot be empty.' });
      continue;
    }
    if (!isMap(engine.value)) {
      problems.push({
        code: 'invalid-config',
        span: spanOf(engine.value, span),
        message: `Engine \`${path}\` needs \`type\` and \`version\`, e.g. \`{ type: kv, version: 2 }\`.`,
      });
      declarations.push({ path, type: undefined, version: undefined, span });
      continue;
    }
    const ctx: FieldCheckContext = { holder: 'engine declaration', provider: undefined, problems };
    const valid = checkFields(pairsOf(engine.value), engineFields, ctx, span);
    const version = valid.get('version');
    const versionValue = isScalar(version?.value) ? String(version.value.value) : undefined;
    declarations.push({
      path,
      type: stringValue(valid.get('type')?.value ?? null),
      version: versionValue === '1' ? 1 : versionValue === '2' ? 2 : undefined,
      span,
    });
  }
  return declarations;
}

/** Engine paths are compared without leading and trailing slashes. */
export function normalizeEnginePath(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}
