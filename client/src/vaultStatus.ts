/**
 * The second language status item, "Secret References: vaults": how many vault configurations
 * are signed in, and each one's state as the server reports it (`secretRefs/listVaults`).
 */
import type * as vscode from 'vscode';
import type { ListVaultsResult, VaultSummary } from '../../shared/src/customMessages';
import { plainMessage } from '../../shared/src/text/plain';
import { commandIds, displayName } from './constants';
import { describeError } from './host';

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

/** Accepts a `secretRefs/listVaults` answer defensively: malformed entries are dropped. */
export function parseVaults(raw: unknown): VaultSummary[] {
  const list = raw !== null && typeof raw === 'object' ? (raw as Partial<ListVaultsResult>).vaults : undefined;
  if (!Array.isArray(list)) return [];
  const vaults: VaultSummary[] = [];
  for (const entry of list as unknown[]) {
    if (entry === null || typeof entry !== 'object') continue;
    const e = entry as Record<string, unknown>;
    if (!isString(e.name) || e.name === '' || !isString(e.provider)) continue;
    const vault: VaultSummary = {
      name: e.name,
      provider: e.provider,
      address: text(e.address),
      enabled: e.enabled !== false,
      uri: text(e.uri),
      folder: text(e.folder),
      access: text(e.access),
    };
    if (typeof e.tokenTtlSeconds === 'number' && Number.isFinite(e.tokenTtlSeconds)) vault.tokenTtlSeconds = e.tokenTtlSeconds;
    vaults.push(vault);
  }
  return vaults;
}

export type VaultStateKind = 'signed in' | 'signed out' | 'unreachable' | 'untrusted' | 'disabled' | 'checking' | 'live checks off' | 'not supported';

/** "25 min", "2 h 5 min", "40 s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 48) return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
  return `${Math.floor(hours / 24)} days`;
}

export function vaultState(vault: VaultSummary): { kind: VaultStateKind; text: string } {
  if (!vault.enabled) return { kind: 'disabled', text: 'disabled' };
  switch (vault.access) {
    case 'live':
      return {
        kind: 'signed in',
        text: vault.tokenTtlSeconds !== undefined ? `signed in, token expires in ${formatDuration(vault.tokenTtlSeconds)}` : 'signed in',
      };
    case 'no-credentials':
      return { kind: 'signed out', text: 'signed out' };
    case 'untrusted':
      return { kind: 'untrusted', text: 'untrusted workspace' };
    case 'failed':
      return { kind: 'unreachable', text: 'unreachable' };
    case 'pending':
      return { kind: 'checking', text: 'checking…' };
    case 'off':
      return { kind: 'live checks off', text: 'live checks off' };
    case 'unsupported':
      return { kind: 'not supported', text: 'not supported yet' };
    default:
      return { kind: 'signed out', text: 'signed out' };
  }
}

export interface VaultsPresentation {
  text: string;
  detail: string;
  severity: 'information' | 'warning';
}

const summaryOrder: VaultStateKind[] = ['signed in', 'signed out', 'unreachable', 'untrusted', 'checking', 'live checks off', 'not supported', 'disabled'];

/** Pure: what the vaults item shows. */
export function describeVaults(vaults: readonly VaultSummary[]): VaultsPresentation {
  if (vaults.length === 0) return { text: 'No vaults', detail: 'No vault configuration in this workspace', severity: 'information' };
  const counts = new Map<VaultStateKind, number>();
  const lines: string[] = [];
  for (const vault of vaults) {
    const state = vaultState(vault);
    counts.set(state.kind, (counts.get(state.kind) ?? 0) + 1);
    lines.push(`${vault.name}: ${state.text}`);
  }
  const text = summaryOrder
    .filter((kind) => counts.has(kind))
    .map((kind) => `${counts.get(kind)} ${kind}`)
    .join(', ');
  return { text, detail: lines.join(' · '), severity: counts.has('unreachable') ? 'warning' : 'information' };
}

/**
 * Drives the vaults item. Refreshes are coalesced: while one `listVaults` is in flight, any
 * number of further requests cause exactly one more.
 */
export class VaultStatusController {
  private running: Promise<void> | undefined;
  private again = false;
  private disposed = false;

  constructor(
    private readonly item: vscode.LanguageStatusItem,
    private readonly severities: typeof vscode.LanguageStatusSeverity,
    private readonly fetch: () => Promise<unknown> | undefined,
  ) {
    item.name = `${displayName}: vaults`;
    item.text = 'Vaults';
    item.detail = 'Waiting for the language server';
    // A tooltip of its own: without one, VS Code shows a pinned item's detail as trusted Markdown.
    item.command = { title: 'Sign In', command: commandIds.signIn, tooltip: `${displayName}: sign in to a vault` };
  }

  setSelector(selector: vscode.DocumentSelector): void {
    this.item.selector = selector;
  }

  /** Settles when the refresh it caused (or joined) is done. */
  refresh(): Promise<void> {
    if (this.running !== undefined) {
      this.again = true;
      return this.running;
    }
    this.running = this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  dispose(): void {
    this.disposed = true;
    this.item.dispose();
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      const pending = this.fetch();
      if (pending === undefined) {
        this.show({ text: 'Vaults', detail: 'The language server is not running', severity: 'information' });
        continue;
      }
      try {
        this.show(describeVaults(parseVaults(await pending)));
      } catch (error) {
        this.show({ text: 'Vaults', detail: `Could not list the vaults: ${describeError(error)}`, severity: 'warning' });
      }
    } while (this.again && !this.disposed);
  }

  private show(p: VaultsPresentation): void {
    if (this.disposed) return;
    this.item.text = p.text;
    // The detail names vaults from files and quotes errors; VS Code would turn `[label](command:…)` in it into a link.
    this.item.detail = plainMessage(p.detail, 2000);
    this.item.severity = p.severity === 'warning' ? this.severities.Warning : this.severities.Information;
  }
}
