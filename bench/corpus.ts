/**
 * The generated inputs of the benchmarks: a connection file of 10,000 lines and a workspace of
 * 2,000 connection files, with four vault configurations. Generation is deterministic (a seeded
 * generator), so every run checks the same files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** A small linear congruential generator, so every run checks the same files. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export const vaultConfigs: Record<string, string> = {
  'vaults/prod.vault.yaml': `name: prod
provider: hashicorp
description: Production Vault
owner: platform-team
url: https://vault.example.com:8200
namespace: team-a
auth: approle
auth_mount: approle
engines:
  secret: { type: kv, version: 2 }
  legacy: { type: kv, version: 1 }
  teams/payments: { type: kv, version: 2 }
`,
  'vaults/prod-aws.vault.yaml': `name: prod-aws
provider: aws
region: eu-west-1
profile: prod
`,
  'vaults/prod-azure.vault.yaml': `name: prod-azure
provider: azure
vault_url: https://prod-kv.vault.azure.net
`,
  'vaults/local.vault.yaml': `name: local
provider: local
description: Developer secrets
`,
};

const attachments = `vault_secrets:
  - vault: prod
    alias: db
    engine: secret
    path: data/oracle/primary
  - vault: prod
    alias: old
    engine: legacy
    path: oracle/credentials
  - vault: prod-aws
    alias: api
    secret: payments/api-key
    version_stage: AWSCURRENT
  - vault: prod-azure
    alias: cert
    secret: tls-client-cert
`;

/** One entry of a connection's value tree: references mixed with plain values, maps and lists. */
function valueSection(rnd: () => number, i: number, indent: string): string[] {
  const lines: string[] = [];
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
  lines.push(`${indent}node${i}:`);
  const inner = `${indent}  `;
  lines.push(`${inner}user: vault.secret(db.user)`);
  lines.push(`${inner}password: vault.secret(${pick(['db.password', 'db.admin_password'])})`);
  lines.push(`${inner}legacy_password: vault.secret(old.password)`);
  lines.push(`${inner}api_key: vault.secret(${pick(['api.*', 'api.key', 'api.secondary'])})`);
  lines.push(`${inner}certificate: vault.secret(cert.*)`);
  lines.push(`${inner}host: db-${i}.internal.example.com`);
  lines.push(`${inner}port: ${1500 + (i % 100)}`);
  lines.push(`${inner}url: "jdbc:oracle:thin:vault.secret(db.user)/vault.secret(db.password)@db-${i}:1521/ORCL"`);
  lines.push(`${inner}shared: vault.secret(prod:secret/data/shared/team-${i % 7}.token)`);
  lines.push(`${inner}pool:`);
  lines.push(`${inner}  min: ${i % 5}`);
  lines.push(`${inner}  max: ${20 + (i % 30)}`);
  lines.push(`${inner}  timeout_ms: ${1000 * (1 + (i % 9))}`);
  lines.push(`${inner}tags: [${pick(['eu', 'us', 'ap'])}, tier-${i % 3}, "cost-center ${i % 11}"]`);
  lines.push(`${inner}options:`);
  lines.push(`${inner}  - name: ssl`);
  lines.push(`${inner}    enabled: ${rnd() < 0.5}`);
  lines.push(`${inner}  - name: comment`);
  lines.push(`${inner}    value: "plain text that mentions vault but holds no reference ${i}"`);
  return lines;
}

/** A connection file of about `targetLines` lines. */
export function connection(name: string, targetLines: number, rnd: () => number): string {
  const lines = [`name: ${name}`, 'connector_type: SQLORACLE', `description: Generated connection ${name}`, ...attachments.trimEnd().split('\n'), 'value:'];
  for (let i = 0; lines.length < targetLines; i++) lines.push(...valueSection(rnd, i, '  '));
  lines.length = Math.min(lines.length, targetLines);
  // The cut may leave a key without a value at the end; that is still valid YAML (null).
  return `${lines.join('\n')}\n`;
}

export function writeFiles(root: string, files: Record<string, string>): string[] {
  return Object.entries(files).map(([name, text]) => {
    const file = path.join(root, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    return file;
  });
}

export interface Corpus {
  label: string;
  root: string;
  files: string[];
  bytes: number;
  lines: number;
}

export function generate(base: string): Corpus[] {
  const rnd = random(42);

  const singleRoot = path.join(base, 'single');
  const single = { ...vaultConfigs, 'connections/big.connection.yaml': connection('big', 10_000, rnd) };

  const workspaceRoot = path.join(base, 'workspace');
  const workspace: Record<string, string> = { ...vaultConfigs };
  for (let i = 0; i < 2_000; i++) {
    const text = connection(`conn-${i}`, 30 + Math.floor(rnd() * 60), rnd);
    // One file in 50 has a mistake, as a real workspace would (a KV v2 path without data/).
    workspace[`teams/team-${i % 40}/conn-${i}.connection.yaml`] = i % 50 === 7 ? text.replace('path: data/oracle/primary', 'path: oracle/primary') : text;
  }

  return [
    { label: '1 file of 10,000 lines', root: singleRoot, contents: single },
    { label: '2,000 connection files', root: workspaceRoot, contents: workspace },
  ].map(({ label, root, contents }) => {
    const texts = Object.values(contents);
    return {
      label,
      root,
      files: writeFiles(root, contents),
      bytes: texts.reduce((n, t) => n + Buffer.byteLength(t), 0),
      lines: texts.reduce((n, t) => n + t.split('\n').length - 1, 0),
    };
  });
}

