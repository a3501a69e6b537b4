/**
 * The reference-format seam on its own: canonical facts that no registered format writes yet (a
 * vault named by its address or not at all, the `either` and `forbidden` data/ rules, paths with
 * template variables) go through the generic resolution and checks as the next formats need.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { checkFormatDocument } from '../../server/src/service/diagnostics/documentChecks';
import type { WorkspaceFacts } from '../../server/src/service/facts/facts';
import type { DataRule, FormatAnalysis, KeyRead, SecretUse, VaultLink } from '../../server/src/service/formats/facts';
import type { ReferenceFormat } from '../../server/src/service/formats/format';
import type { Problem } from '../../server/src/service/model/types';
import { readPath } from '../../server/src/service/references/dataRule';
import { secretLocator } from '../../server/src/service/references/locator';
import { apiPath, targetOf } from '../../server/src/service/references/resolve';
import { linkKey, resolveVaultLink } from '../../server/src/service/references/vaultLink';
import { TestWorkspace, awsVault, prodVault } from '../helpers/workspace';

const uri = 'file:///ws/doc.test';
const at = (value: string, start = 0) => ({ value, span: { start, end: start + value.length } });

/** A use as a format that writes `ENGINE/PATH` (vault-action, vals) would give it. */
function pathUse(path: string, options: { rule?: DataRule; link?: VaultLink; variableAt?: number } = {}): SecretUse {
  return {
    span: { start: 0, end: path.length },
    vault: options.link ?? { by: 'name', name: at('prod', 1000) },
    form: 'inline',
    mount: 'in-path',
    engine: undefined,
    path: at(path),
    variableAt: options.variableAt,
    dataRule: options.rule ?? 'required',
    name: undefined,
    version: undefined,
    stage: undefined,
    alias: undefined,
  };
}

const testFormat: ReferenceFormat = {
  id: 'test',
  displayName: 'test file',
  files: { patterns: () => ['**/*.test'] },
  syntax: 'text',
  labels: { read: 'Read', use: 'Use' },
  analyze: () => ({ uses: [], reads: [], model: undefined }),
};

function problemsOf(uses: SecretUse[], reads: KeyRead[] = [], format: ReferenceFormat = testFormat, ws = new TestWorkspace()): Problem[] {
  const facts: WorkspaceFacts = { vaults: (u) => ws.index.vaults(u), keysUsed: () => [] };
  const problems: Problem[] = [];
  const analysis: FormatAnalysis = { uses, reads, model: undefined };
  checkFormatDocument(format, uri, analysis, facts, { now: 0, expiryWarningDays: 14 }, problems);
  return problems;
}

const codes = (problems: Problem[]) => problems.map((p) => p.code);

describe('vault links', () => {
  const ws = new TestWorkspace({ 'prod.vault.yaml': prodVault, 'aws.vault.yaml': awsVault, 'b.vault.yaml': 'name: b\nprovider: hashicorp\nurl: https://other.example.com\n' });
  const vaults = ws.index.vaults(uri);

  it('resolves an address to the configuration with the same address once normalised', () => {
    const linked = resolveVaultLink({ by: 'address', address: at('HTTPS://Vault.Example.com:8200/', 5) }, vaults);
    assert.equal(linked.vault?.name, 'prod');
    assert.deepEqual(linked.vaultName, { value: 'prod', span: { start: 5, end: 36 } });
    assert.equal(resolveVaultLink({ by: 'address', address: at('https://vault.example.com:8201') }, vaults).vault, undefined);
    assert.equal(linkKey({ by: 'address', address: at('HTTPS://Vault.Example.com:8200/') }), 'https://vault.example.com:8200');
  });

  it('resolves an unlinked use to the only HashiCorp vault of the folder, and to none when there are several', () => {
    assert.equal(resolveVaultLink({ by: 'unlinked', span: { start: 0, end: 1 } }, vaults).vault, undefined);
    const one = new TestWorkspace({ 'prod.vault.yaml': prodVault, 'aws.vault.yaml': awsVault });
    assert.equal(resolveVaultLink({ by: 'unlinked', span: { start: 0, end: 1 } }, one.index.vaults(uri)).vault?.name, 'prod');
  });

  it('finds the engine of an address-linked path and checks its data/ rule there', () => {
    const use = pathUse('secret/app/db', { link: { by: 'address', address: at('https://vault.example.com:8200', 100) } });
    assert.deepEqual(codes(problemsOf([use])), ['kv2-missing-data-prefix']);
    assert.equal(targetOf(use, ws.index.vaults(uri))?.id, 'https://vault.example.com:8200|secret/app/db');
  });
});

describe('data/ rules', () => {
  it('reads the path as the tool does', () => {
    assert.equal(readPath('app/db', 'required', 2), 'app/db');
    assert.equal(readPath('app/db', 'forbidden', 2), 'data/app/db');
    assert.equal(readPath('data/app/db', 'forbidden', 2), 'data/data/app/db');
    assert.equal(readPath('app/db', 'either', 2), 'data/app/db');
    assert.equal(readPath('data/app/db', 'either', 2), 'data/app/db');
    assert.equal(readPath('metadata/app', 'either', 2), 'metadata/app');
    assert.equal(readPath('app/db', 'forbidden', 1), 'app/db');
    assert.equal(readPath('app/db', 'either', undefined), 'app/db');
  });

  it('gives the API path and locator of what the tool reads', () => {
    const vaults = new TestWorkspace().index.vaults(uri);
    const forbidden = targetOf(pathUse('secret/app/db', { rule: 'forbidden' }), vaults)!;
    assert.equal(apiPath(forbidden), '/v1/secret/data/app/db');
    assert.deepEqual(secretLocator(forbidden), { engine: 'secret', path: 'app/db' });
    const doubled = targetOf(pathUse('secret/data/app/db', { rule: 'forbidden' }), vaults)!;
    assert.equal(apiPath(doubled), '/v1/secret/data/data/app/db');
    assert.deepEqual(secretLocator(doubled), { engine: 'secret', path: 'data/app/db' });
    const either = targetOf(pathUse('secret/data/app/db', { rule: 'either' }), vaults)!;
    assert.deepEqual(secretLocator(either), { engine: 'secret', path: 'app/db' });
    assert.equal(secretLocator(targetOf(pathUse('secret/metadata/app', { rule: 'either' }), vaults)!), undefined);
    assert.equal(apiPath(targetOf(pathUse('legacy/app', { rule: 'forbidden' }), vaults)!), '/v1/legacy/app');
  });

  it('reports nothing about data/ where the tool accepts both forms or inserts it', () => {
    for (const rule of ['either', 'forbidden'] as const) {
      for (const path of ['secret/app/db', 'secret/data/app/db', 'legacy/data/x', 'secret/metadata/x']) {
        assert.deepEqual(codes(problemsOf([pathUse(path, { rule })])), [], `${rule} ${path}`);
      }
    }
  });
});

describe('paths with template variables', () => {
  const variable = (path: string, rule: DataRule = 'required') => pathUse(path, { rule, variableAt: path.indexOf('${') });

  it('checks the fixed part before the first variable, never past it', () => {
    assert.deepEqual(codes(problemsOf([variable('secret/data/${{ inputs.env }}/db')])), []);
    assert.deepEqual(codes(problemsOf([variable('secret/${{ inputs.env }}/db')])), []);
    assert.deepEqual(codes(problemsOf([variable('secret/da${{ x }}/db')])), []);
    assert.deepEqual(codes(problemsOf([variable('secret/app/${{ x }}')])), ['kv2-missing-data-prefix']);
    assert.deepEqual(codes(problemsOf([variable('legacy/data/${X}')])), ['kv1-unexpected-data-prefix']);
  });

  it('reports an unknown engine only when no declared engine can begin the fixed part', () => {
    assert.deepEqual(codes(problemsOf([variable('sec${ENGINE}/data/x')])), []);
    assert.deepEqual(codes(problemsOf([variable('team/${X}/data/x')])), []);
    assert.deepEqual(codes(problemsOf([variable('${ENGINE}/data/x')])), []);
    assert.deepEqual(codes(problemsOf([variable('other/${X}')])), ['unknown-engine']);
  });

  it('asks the secret manager nothing about a path with a variable', () => {
    const target = targetOf(variable('secret/data/${X}'), new TestWorkspace().index.vaults(uri))!;
    assert.equal(target.engine?.value, 'secret');
    assert.equal(secretLocator(target), undefined);
  });
});

describe('the generic checks around a format', () => {
  it("reports each read's resolution problem where it stands, and runs the format's own checks", () => {
    const seen: string[] = [];
    const format: ReferenceFormat = {
      ...testFormat,
      checkUse: ({ index }) => void seen.push(`use ${index}`),
      check: ({ reads, targets }) => void seen.push(`check ${reads.length} ${targets.length}`),
    };
    const problem: Problem = { code: 'no-attached-secret', span: { start: 50, end: 60 }, message: 'no use' };
    const reads: KeyRead[] = [
      { span: { start: 50, end: 60 }, use: undefined, key: undefined, problem },
      { span: { start: 0, end: 20 }, use: 0, key: at('k'), problem: undefined },
    ];
    const problems = problemsOf([pathUse('secret/app')], reads, format);
    assert.deepEqual(codes(problems), ['no-attached-secret', 'kv2-missing-data-prefix']);
    assert.deepEqual(seen, ['use 0', 'check 2 1']);
  });

  it('reports an unknown vault name, and runs no engine check for it', () => {
    const use = pathUse('nope/app', { link: { by: 'name', name: at('nowhere', 100) } });
    assert.deepEqual(codes(problemsOf([use])), ['unknown-vault']);
  });
});
