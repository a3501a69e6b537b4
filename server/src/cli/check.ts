import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Settings } from '../../../shared/src/settings';
import { checkPaths as defaultCheckPaths, type CheckResult } from '../workspace/checkPaths';
import { describeError } from '../workspace/readTextFile';
import type { CheckOptions } from './args';
import { oneLine } from '../../../shared/src/text/controls';
import { displayPath, formatJson, formatSummary, formatText, hasErrors, sortFindings, terminalPath, type Finding } from './format';
import { formatSarif } from './sarif';
import type { StdinSource } from './stdin';
import { trustedAddressesEnvProblem } from './trust';
import { toolVersion } from './version';

/** Where the command writes; main passes the process streams, so the command itself is pure. */
export interface Io {
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Standard input (`local put` reads values from it); none: it is empty. */
  stdin?: StdinSource;
}

/** checkPaths' contract; `cwd` (optional) is where a file given alone looks for vault configurations. */
export type CheckPaths = (paths: string[], settings: Settings, cwd?: string, options?: { live?: boolean; trustedAddresses?: string[] }) => Promise<CheckResult>;

/** Exit statuses of the CLI. */
export const exitCodes = { ok: 0, errors: 1, trouble: 2 } as const;

/** Said on stderr when more files matched than --max-files: the run is incomplete, so it exits 2. */
export function fileLimitMessage(maxFiles: number): string {
  return (
    `secretrefs: more than ${maxFiles} files match; only ${maxFiles} were read (those nearest the top of the folders), so this result is incomplete ` +
    `(vault names are not checked against the configurations left out). Raise --max-files, or narrow the paths or --vault-configs, --connections and --exclude.\n`
  );
}

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
      missing.push(`secretrefs: cannot read "${terminalPath(paths[i]!)}": ${oneLine(describeError(error))}\n`);
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

  const unreadable = result.unreadable.map((u) => ({ file: displayPath(path.resolve(io.cwd, u.path), io.cwd), message: oneLine(u.message.split('\n')[0] ?? '') }));
  if (options.format === 'sarif') {
    const checkedFiles = result.files.map((report) => displayPath(report.path, io.cwd));
    io.stdout(formatSarif({ findings: sorted, checkedFiles, unreadable, cwd: io.cwd, toolVersion }));
  } else {
    io.stdout(options.format === 'json' ? formatJson(sorted) : formatText(sorted));
  }
  if (options.format === 'text') io.stderr(formatSummary(sorted, result.files.length));

  if (unreadable.length > 0) io.stderr(unreadable.map((u) => `secretrefs: cannot read "${terminalPath(u.file)}": ${u.message}\n`).join(''));
  if (result.limitReached) io.stderr(fileLimitMessage(options.settings.files.maxFiles));
  if (unreadable.length > 0 || result.limitReached) return exitCodes.trouble;
  return hasErrors(sorted) ? exitCodes.errors : exitCodes.ok;
}
