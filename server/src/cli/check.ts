import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Settings } from '../../../shared/src/settings';
import { checkPaths as defaultCheckPaths, type CheckResult } from '../workspace/checkPaths';
import { describeError } from '../workspace/readTextFile';
import type { CheckOptions } from './args';
import { displayPath, formatJson, formatSummary, formatText, hasErrors, sortFindings, type Finding } from './format';
import { formatSarif } from './sarif';
import { trustedAddressesEnvProblem } from './trust';
import { toolVersion } from './version';

/** Where the command writes; main passes the process streams, so the command itself is pure. */
export interface Io {
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** checkPaths' contract; `cwd` (optional) is where a file given alone looks for vault configurations. */
export type CheckPaths = (paths: string[], settings: Settings, cwd?: string, options?: { live?: boolean; trustedAddresses?: string[] }) => Promise<CheckResult>;

/** Exit statuses of the CLI. */
export const exitCodes = { ok: 0, errors: 1, trouble: 2 } as const;

/**
 * The given paths made absolute, or undefined after saying which cannot be read: a mistyped path
 * must not look like a clean run, so nothing is checked then.
 */
export async function readablePaths(paths: readonly string[], io: Io): Promise<string[] | undefined> {
  const absolute = paths.map((p) => path.resolve(io.cwd, p));
  const missing: string[] = [];
  for (let i = 0; i < absolute.length; i++) {
    try {
      await fs.stat(absolute[i]!);
    } catch (error) {
      missing.push(`secretrefs: cannot read "${paths[i]}": ${describeError(error)}\n`);
    }
  }
  if (missing.length === 0) return absolute;
  io.stderr(missing.join(''));
  return undefined;
}

/** `secretrefs check`: prints findings and returns the exit status. */
export async function runCheck(options: CheckOptions, io: Io, checkPaths: CheckPaths = defaultCheckPaths, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const trustProblem = options.live ? trustedAddressesEnvProblem(env) : undefined;
  if (trustProblem) {
    io.stderr(`secretrefs: ${trustProblem}\n`);
    return exitCodes.trouble;
  }
  const absolute = await readablePaths(options.paths, io);
  if (!absolute) return exitCodes.trouble;

  const result = await checkPaths(absolute, options.settings, io.cwd, { live: options.live, trustedAddresses: options.trustedAddresses });

  const findings: Finding[] = [];
  for (const report of result.files) {
    const file = displayPath(report.path, io.cwd);
    for (const diagnostic of report.diagnostics) findings.push({ file, diagnostic });
  }
  const sorted = sortFindings(findings);

  const unreadable = result.unreadable.map((u) => ({ file: displayPath(path.resolve(io.cwd, u.path), io.cwd), message: u.message.split('\n')[0] ?? '' }));
  if (options.format === 'sarif') {
    const checkedFiles = result.files.map((report) => displayPath(report.path, io.cwd));
    io.stdout(formatSarif({ findings: sorted, checkedFiles, unreadable, cwd: io.cwd, toolVersion }));
  } else {
    io.stdout(options.format === 'json' ? formatJson(sorted) : formatText(sorted));
  }
  if (options.format === 'text') io.stderr(formatSummary(sorted, result.files.length));

  if (unreadable.length > 0) {
    io.stderr(unreadable.map((u) => `secretrefs: cannot read "${u.file}": ${u.message}\n`).join(''));
    return exitCodes.trouble;
  }
  return hasErrors(sorted) ? exitCodes.errors : exitCodes.ok;
}
