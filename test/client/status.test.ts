import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeStatus, parseStatusParams } from '../../client/src/status';

const status = (over: Partial<Record<string, unknown>> = {}) => ({
  indexing: false,
  vaultConfigs: 0,
  connections: 0,
  errors: 0,
  warnings: 0,
  ...over,
});

describe('describeStatus', () => {
  it('starting is busy', () => {
    assert.deepEqual(describeStatus({ kind: 'starting' }), {
      text: 'Secret References: starting',
      detail: 'Starting the language server',
      busy: true,
      severity: 'information',
    });
  });

  it('running without a report is ready', () => {
    assert.deepEqual(describeStatus({ kind: 'running' }), { text: 'Secret References', detail: 'Ready', busy: false, severity: 'information' });
  });

  it('indexing shows counts so far and is busy', () => {
    const p = describeStatus({ kind: 'running', status: parseStatusParams(status({ indexing: true, vaultConfigs: 1, connections: 2 })) });
    assert.equal(p.text, 'Secret References: indexing');
    assert.equal(p.detail, 'Indexing: 1 vault configuration, 2 connections so far');
    assert.equal(p.busy, true);
  });

  it('indexed shows counts and problems only when there are some', () => {
    assert.equal(describeStatus({ kind: 'running', status: parseStatusParams(status({ vaultConfigs: 3, connections: 0 })) }).detail, '3 vault configurations, 0 connections');
    assert.equal(
      describeStatus({ kind: 'running', status: parseStatusParams(status({ vaultConfigs: 1, connections: 1, warnings: 2 })) }).detail,
      '1 vault configuration, 1 connection · 2 warnings',
    );
    assert.equal(
      describeStatus({ kind: 'running', status: parseStatusParams(status({ errors: 1, warnings: 1 })) }).detail,
      '0 vault configurations, 0 connections · 1 error, 1 warning',
    );
  });

  it('stopped is an error', () => {
    assert.deepEqual(describeStatus({ kind: 'stopped' }), {
      text: 'Secret References: stopped',
      detail: 'The language server is not running',
      busy: false,
      severity: 'error',
    });
    assert.equal(describeStatus({ kind: 'stopped', reason: 'why' }).detail, 'why');
  });
});

describe('parseStatusParams', () => {
  it('keeps a well-formed payload', () => {
    assert.deepEqual(parseStatusParams(status({ indexing: true, vaultConfigs: 2, connections: 3, errors: 4, warnings: 5 })), {
      indexing: true,
      vaultConfigs: 2,
      connections: 3,
      errors: 4,
      warnings: 5,
    });
  });

  it('rejects non-objects and repairs bad fields', () => {
    assert.equal(parseStatusParams(null), undefined);
    assert.equal(parseStatusParams('x'), undefined);
    assert.deepEqual(parseStatusParams({ indexing: 'yes', vaultConfigs: -1, connections: 2.7, errors: NaN }), {
      indexing: false,
      vaultConfigs: 0,
      connections: 2,
      errors: 0,
      warnings: 0,
    });
  });
});
