/**
 * Troubleshoot Connection...: the server checks a vault configuration step by step; the client
 * writes a readable report to the output channel and shows it.
 */
import { troubleshootRequest, type TroubleshootParams, type TroubleshootResult, type TroubleshootStep, type VaultSummary } from '../../../shared/src/customMessages';
import { oneLine } from '../../../shared/src/text/controls';
import { displayName } from '../constants';
import { pickVault, requireServer, send, type CommandContext } from './context';

const marks: Record<TroubleshootStep['status'], string> = { ok: '✓', warning: '⚠', error: '✗', skipped: '–' };

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** One line of plain text: a name, an address or a server's answer cannot start a line of its own or move the cursor. */
function line(value: unknown, max = 1000): string {
  return oneLine(String(value), max);
}

/** Pure: the report's lines. Each step is exactly one line, so no detail can forge another step or the result. */
export function troubleshootReport(vault: VaultSummary, result: TroubleshootResult): string[] {
  const steps = Array.isArray(result.steps) ? result.steps : [];
  const lines = [`Troubleshooting vault "${line(vault.name, 200)}" (${line(vault.provider, 40)}${vault.address !== '' ? `, ${line(vault.address, 300)}` : ''})`];
  for (const step of steps) {
    const mark = Object.hasOwn(marks, step.status) ? marks[step.status] : '?';
    lines.push(`  ${mark} ${line(step.name, 200)}${step.detail ? `: ${line(step.detail)}` : ''}`);
  }
  const errors = steps.filter((s) => s.status === 'error').length;
  const warnings = steps.filter((s) => s.status === 'warning').length;
  if (steps.length === 0) lines.push('  (the server reported no checks)');
  lines.push(errors === 0 && warnings === 0 ? '  Result: every check passed.' : `  Result: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}.`);
  return lines;
}

export async function troubleshoot(ctx: CommandContext): Promise<void> {
  const session = requireServer(ctx);
  if (session === undefined) return;
  const vault = await pickVault(ctx, session, {
    placeHolder: 'Troubleshoot which vault configuration?',
    none: `${displayName}: there is no vault configuration in this workspace.`,
  });
  if (vault === undefined) return;
  const params: TroubleshootParams = { vaultUri: vault.uri };
  const result = await send<TroubleshootResult>(ctx, session, troubleshootRequest, params, `Troubleshooting "${vault.name}"`);
  if (result === undefined) return;
  for (const line of troubleshootReport(vault, result)) ctx.output.info(line);
  ctx.output.show(true);
  ctx.vaultsChanged();
}
