/**
 * The `secretrefs` command line: `secretrefs check [options] [PATH...]`.
 * esbuild bundles this file to dist/cli.js (with a shebang); package.json's `bin.secretrefs` points there.
 */
import { parseArgs, usageText, UsageError } from './args';
import { exitCodes, runCheck, type Io } from './check';
import { runInventory } from './inventory/command';
import { runLocal } from './local';
import { oneLine, stripControls } from '../../../shared/src/text/controls';
import { processStdin } from './stdin';
import { toolVersion as version } from './version';


const debug = process.env.SECRETREFS_DEBUG === '1';

/** A one-line description of an unexpected failure; the stack only with SECRETREFS_DEBUG=1. */
function describeCrash(error: unknown): string {
  if (debug && error instanceof Error && error.stack) return `secretrefs: internal error: ${stripControls(error.stack, { keepNewlines: true, max: 20_000 })}\n`;
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = oneLine(message.split('\n')[0] ?? '') || 'unknown error';
  return `secretrefs: internal error: ${firstLine} (set SECRETREFS_DEBUG=1 for details)\n`;
}

function crash(error: unknown): never {
  process.stderr.write(describeCrash(error));
  process.exit(exitCodes.trouble);
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  let command;
  try {
    command = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`secretrefs: ${oneLine(error.message)}\n`);
    return exitCodes.trouble;
  }
  switch (command.kind) {
    case 'help':
      io.stdout(usageText);
      return exitCodes.ok;
    case 'version':
      io.stdout(`${version}\n`);
      return exitCodes.ok;
    case 'no-command':
      io.stderr(usageText);
      return exitCodes.trouble;
    case 'check':
      return runCheck(command.options, io);
    case 'inventory':
      return runInventory(command.options, io);
    case 'local':
      return runLocal(command.command, io);
  }
}

process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);
// `secretrefs check | head`: the reader went away, which is no failure of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? exitCodes.ok);
  crash(error);
});

const io: Io = {
  cwd: process.cwd(),
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  stdin: processStdin(),
};

main(process.argv.slice(2), io).then(
  // exitCode rather than exit(): piped stdout is flushed before the process ends.
  (code) => {
    process.exitCode = code;
  },
  crash,
);
