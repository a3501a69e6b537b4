/**
 * The .vsix size (packaged with the production build, as `npm run package` does) and the
 * extension's activation time as VS Code reported it in the last end-to-end run: a benchmark
 * cannot start VS Code, so that figure comes from `test-artifacts/e2e/activation.json`, written
 * by `npm run test:e2e`, with the date it was measured.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface VsixBench {
  bytes: number;
  mb: number;
  files: number;
}

/** Packages the extension into a temporary folder and measures the file. */
export function benchVsix(repoRoot: string): VsixBench | { skipped: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'secretrefs-vsix-'));
  const out = path.join(dir, 'secret-references.vsix');
  try {
    const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
    const listing = execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '-o', out], {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const files = Number(/\((\d+) files?,/.exec(listing)?.[1] ?? NaN);
    const bytes = statSync(out).size;
    return { bytes, mb: Math.round((bytes / 1024 / 1024) * 100) / 100, files };
  } catch (error) {
    return { skipped: `vsce package failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface ActivationFigure {
  measuredAt: string;
  vscode?: string;
  extension: { activationMs: number; codeLoadingMs?: number; activateCallMs?: number; activateResolvedMs?: number };
  others?: { id: string; activationMs: number }[];
  source?: string;
}

/** The activation time recorded by the last `npm run test:e2e`, if any. */
export function lastActivation(repoRoot: string): ActivationFigure | { skipped: string } {
  const file = path.join(repoRoot, 'test-artifacts', 'e2e', 'activation.json');
  if (!existsSync(file)) return { skipped: 'not measured here: run npm run test:e2e (it records VS Code’s figure in test-artifacts/e2e/activation.json)' };
  try {
    const figure = JSON.parse(readFileSync(file, 'utf8')) as ActivationFigure;
    if (typeof figure.extension?.activationMs !== 'number') return { skipped: `${path.relative(repoRoot, file)} holds no activation time` };
    return figure;
  } catch (error) {
    return { skipped: `${path.relative(repoRoot, file)} is unreadable: ${error instanceof Error ? error.message : String(error)}` };
  }
}
