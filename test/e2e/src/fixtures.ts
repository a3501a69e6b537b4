/**
 * What the end-to-end tests work on: a copy of examples/ plus a vault configuration and a
 * connection for the fake Vault, and the fake Vault itself, seeded with a few secrets and tokens.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeVault } from '../../fakes/fakeVault';

export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** Tokens the fake knows; the wrong one it does not. They are made up for the tests. */
export const tokens = {
  good: 'hvs.E2E-good-token-7c41d2',
  /** Valid, but its policy does not let it read secret/data/app/db. */
  limited: 'hvs.E2E-limited-token-93fa0e',
  /** Unknown to the fake: Vault answers 403 "permission denied, invalid token". */
  wrong: 'hvs.E2E-wrong-token-00000',
} as const;

/** The value Preview shows: it must never be on screen before Reveal. */
export const previewValue = 'E2E-preview-value-5b9d31';

/** The vault configuration name of the fake Vault in the workspace. */
export const fakeVaultName = 'fake';

/** Files the tests add to the copy of examples/ (relative to the workspace). */
export const files = {
  fakeVault: 'vaults/fake.vault.yaml',
  fakeConnection: 'connections/live/fake-app.connection.yaml',
} as const;

/**
 * The connection to the fake Vault. Line numbers matter to the tests (see `lines`): the
 * attachment's path on line 7, references on lines 10-12; `api_token` is not a key of the secret
 * until a test adds it.
 */
export const fakeConnectionText = `# Written by the end-to-end tests: a connection that reads from the fake Vault.
name: fake-app
connector_type: POSTGRES
vault_secrets:
  - vault: ${fakeVaultName}
    engine: secret
    path: data/app/db
value:
  host: db.internal.example.com
  user: vault.secret(user)
  password: vault.secret(password)
  token: vault.secret(api_token)
`;

/** 1-based positions in fakeConnectionText. */
export const lines = {
  /** `    path: data/app/db`: column of `app/db`. */
  path: { line: 7, column: 16 },
  /** `  password: vault.secret(password)`: inside `password`. */
  password: { line: 11, column: 27 },
  /** `  token: vault.secret(api_token)`: start of `api_token`. */
  apiToken: { line: 12, column: 23, length: 'api_token'.length },
} as const;

export async function startFakeVault(): Promise<FakeVault> {
  const fake = await FakeVault.start();
  fake.mountKv('secret', 2);
  fake.putSecret('secret', 'app/db', { user: 'app', password: 'first-value' }, { customMetadata: { owner: 'payments-team' } });
  fake.putSecret('secret', 'app/db', { user: 'app', password: previewValue, port: '5432' }, { customMetadata: { owner: 'payments-team' } });
  fake.putSecret('secret', 'app/service', { client_id: 'service-v1' });
  fake.putSecret('secret', 'shared/smtp', { username: 'mailer' });
  fake.addToken(tokens.good, {
    ttlSeconds: 3600,
    policies: [{ path: 'secret/*', capabilities: ['read', 'list', 'create', 'update'] }],
  });
  fake.addToken(tokens.limited, {
    ttlSeconds: 3600,
    policies: [{ path: 'secret/data/shared/*', capabilities: ['read'] }],
  });
  return fake;
}

export function fakeVaultText(address: string): string {
  return `# Written by the end-to-end tests: the fake Vault they start on 127.0.0.1.
name: ${fakeVaultName}
provider: hashicorp
description: Fake Vault of the end-to-end tests
owner: e2e
url: ${address}
auth: token
`;
}

export interface ExpectedDiagnostic {
  line: number;
  code: string;
}

/** examples/expected-diagnostics.json: what each example file must show. */
export function expectedDiagnostics(relativePath: string): ExpectedDiagnostic[] {
  const json = JSON.parse(readFileSync(path.join(repoRoot, 'examples', 'expected-diagnostics.json'), 'utf8')) as {
    files: Record<string, ExpectedDiagnostic[]>;
  };
  const expected = json.files[relativePath];
  if (expected === undefined) throw new Error(`examples/expected-diagnostics.json has no entry for ${relativePath}`);
  return expected;
}

/** A copy of examples/ with the fake Vault's configuration and connection added. */
export function prepareWorkspace(dir: string, fakeAddress: string): string {
  mkdirSync(dir, { recursive: true });
  cpSync(path.join(repoRoot, 'examples'), dir, { recursive: true });
  writeFileSync(path.join(dir, files.fakeVault), fakeVaultText(fakeAddress));
  writeFileSync(path.join(dir, files.fakeConnection), fakeConnectionText);
  return dir;
}

/** The package.json the .vsix is built from: its commands, by id, with their palette titles. */
export function paletteTitle(commandId: string): string | undefined {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    contributes?: { commands?: { command: string; title: string; category?: string }[] };
  };
  const command = pkg.contributes?.commands?.find((c) => c.command === commandId);
  if (command === undefined) return undefined;
  return command.category ? `${command.category}: ${command.title}` : command.title;
}
