/**
 * Which files are a reference format's: by path (the format's patterns), and for a format with a
 * content test by a substring test of the text read once. Files only the text can classify are
 * listed by the walk without a kind and never parsed unless a format claims them.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { normalizeSettings } from '../../shared/src/settings';
import { connectionFormat } from '../../server/src/service/formats/connection';
import type { ReferenceFormat } from '../../server/src/service/formats/format';
import { createFileClassifier } from '../../server/src/workspace/fileClassifier';
import { findWorkspaceFiles, kindOfRead } from '../../server/src/workspace/findWorkspaceFiles';
import { walkFolder } from '../../server/src/workspace/walkFolder';

const settings = normalizeSettings(undefined);

/** A format that claims YAML files whose text names it, as External Secrets manifests will be. */
let contentTests = 0;
const manifests: ReferenceFormat = {
  id: 'manifest',
  displayName: 'manifest',
  files: {
    patterns: () => ['**/*.{yaml,yml}'],
    content: (text) => {
      contentTests++;
      return text.includes('example.com/v1');
    },
  },
  syntax: 'yaml',
  labels: { read: 'Read', use: 'Use' },
  analyze: () => ({ uses: [], reads: [], model: undefined }),
};

describe('file classification through the format registry', () => {
  it('classifies by path alone with the registered formats: an unrelated YAML file is nobody’s', () => {
    const classifier = createFileClassifier(settings);
    assert.equal(classifier.kindOf('a/b.connection.yaml'), 'connection');
    assert.equal(classifier.kindOf('a/prod.vault.yml'), 'vault-config');
    assert.equal(classifier.classify('charts/values.yaml'), undefined);
    assert.equal(classifier.kindOf('charts/values.yaml', 'apiVersion: example.com/v1\n'), undefined);
    assert.equal(classifier.classify('node_modules/x.connection.yaml'), undefined);
  });

  it('leaves a file a content-tested format may claim to its text, tested once per question', () => {
    const classifier = createFileClassifier(settings, [connectionFormat as ReferenceFormat, manifests]);
    contentTests = 0;
    assert.equal(classifier.classify('x.connection.yaml'), 'connection');
    assert.equal(classifier.classify('deploy/secret.yaml'), 'by-text');
    assert.equal(classifier.kindOf('deploy/secret.yaml'), undefined);
    assert.equal(contentTests, 0, 'no content test without the text');
    assert.equal(classifier.kindOf('deploy/secret.yaml', 'apiVersion: example.com/v1\nkind: Secret\n'), 'manifest');
    assert.equal(classifier.kindOf('deploy/values.yaml', 'replicas: 3\n'), undefined);
    assert.equal(contentTests, 2);
    assert.equal(classifier.classify('node_modules/x.yaml'), undefined);
    assert.equal(classifier.classify('README.md'), undefined);
  });

  describe('walking a folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'secretrefs-formats-'));
    after(() => rmSync(root, { recursive: true, force: true }));
    mkdirSync(join(root, 'deploy'));
    writeFileSync(join(root, 'app.connection.yaml'), 'name: app\n');
    writeFileSync(join(root, 'prod.vault.yaml'), 'name: prod\nprovider: hashicorp\n');
    writeFileSync(join(root, 'deploy', 'secret.yaml'), 'apiVersion: example.com/v1\n');
    writeFileSync(join(root, 'deploy', 'values.yaml'), 'replicas: 3\n');
    writeFileSync(join(root, 'notes.txt'), 'text\n');

    it('lists files only the text can classify without a kind, and the others with theirs', async () => {
      const classifier = createFileClassifier(settings, [connectionFormat as ReferenceFormat, manifests]);
      const found = await walkFolder(root, classifier);
      assert.deepEqual(
        found.map((f) => [f.relativePath, f.kind]),
        [
          ['app.connection.yaml', 'connection'],
          ['deploy/secret.yaml', undefined],
          ['deploy/values.yaml', undefined],
          ['prod.vault.yaml', 'vault-config'],
        ],
      );
      assert.deepEqual((await walkFolder(root, classifier, 'vault-config')).map((f) => f.relativePath), ['prod.vault.yaml']);
    });

    it('gives a file of a run its kind once read; a file named alone keeps its name’s kind when no text claims it', async () => {
      const classifier = createFileClassifier(settings, [connectionFormat as ReferenceFormat, manifests]);
      const walked = await findWorkspaceFiles([root], classifier, root, []);
      const byPath = new Map(walked.files.map((f) => [f.relativePath, f]));
      assert.equal(kindOfRead(byPath.get('deploy/secret.yaml')!, 'apiVersion: example.com/v1\n', classifier), 'manifest');
      assert.equal(kindOfRead(byPath.get('deploy/values.yaml')!, 'replicas: 3\n', classifier), undefined);
      const given = await findWorkspaceFiles([join(root, 'deploy', 'values.yaml')], classifier, root, []);
      assert.equal(kindOfRead(given.files[0]!, 'replicas: 3\n', classifier), 'connection');
      assert.equal(kindOfRead(given.files[0]!, 'apiVersion: example.com/v1\n', classifier), 'manifest');
    });

    it('lists no unrelated YAML file with the registered formats', async () => {
      const found = await walkFolder(root, createFileClassifier(settings));
      assert.deepEqual(found.map((f) => f.relativePath), ['app.connection.yaml', 'prod.vault.yaml']);
    });
  });
});
