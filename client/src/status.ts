/**
 * The language status item: server state and what the server reported about the workspace.
 */
import type * as vscode from 'vscode';
import type { StatusParams } from '../../shared/src/customMessages';
import { plainMessage } from '../../shared/src/text/plain';
import { commandIds, displayName } from './constants';

export type ServerPhase =
  | { kind: 'starting' }
  | { kind: 'running'; status?: StatusParams }
  | { kind: 'stopped'; reason?: string };

export interface StatusPresentation {
  text: string;
  detail: string;
  busy: boolean;
  severity: 'information' | 'error';
}

function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

function counts(status: StatusParams): string {
  return `${count(status.vaultConfigs, 'vault configuration')}, ${count(status.connections, 'connection')}`;
}

function problems(status: StatusParams): string {
  const parts: string[] = [];
  if (status.errors > 0) parts.push(count(status.errors, 'error'));
  if (status.warnings > 0) parts.push(count(status.warnings, 'warning'));
  return parts.length > 0 ? ` · ${parts.join(', ')}` : '';
}

function nonNegative(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : 0;
}

/** Accepts a `secretRefs/status` payload defensively: a malformed one yields undefined. */
export function parseStatusParams(raw: unknown): StatusParams | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  return {
    indexing: r.indexing === true,
    vaultConfigs: nonNegative(r.vaultConfigs),
    connections: nonNegative(r.connections),
    errors: nonNegative(r.errors),
    warnings: nonNegative(r.warnings),
  };
}

/** Pure: what the item shows for a phase. */
export function describeStatus(phase: ServerPhase): StatusPresentation {
  switch (phase.kind) {
    case 'starting':
      return { text: `${displayName}: starting`, detail: 'Starting the language server', busy: true, severity: 'information' };
    case 'running': {
      const status = phase.status;
      if (status === undefined) return { text: displayName, detail: 'Ready', busy: false, severity: 'information' };
      if (status.indexing) {
        return { text: `${displayName}: indexing`, detail: `Indexing: ${counts(status)} so far`, busy: true, severity: 'information' };
      }
      return { text: displayName, detail: `${counts(status)}${problems(status)}`, busy: false, severity: 'information' };
    }
    case 'stopped':
      return {
        text: `${displayName}: stopped`,
        detail: phase.reason ?? 'The language server is not running',
        busy: false,
        severity: 'error',
      };
  }
}

/** Drives a `vscode.LanguageStatusItem` from server phases. */
export class StatusItemController {
  private phase: ServerPhase = { kind: 'starting' };

  constructor(
    private readonly item: vscode.LanguageStatusItem,
    private readonly severities: typeof vscode.LanguageStatusSeverity,
  ) {
    item.name = displayName;
    // A tooltip of its own: without one, VS Code shows a pinned item's detail as trusted Markdown.
    item.command = { title: 'Show Output', command: commandIds.showOutput, tooltip: `Show the ${displayName} output` };
    this.render();
  }

  get current(): ServerPhase {
    return this.phase;
  }

  setSelector(selector: vscode.DocumentSelector): void {
    this.item.selector = selector;
  }

  starting(): void {
    this.set({ kind: 'starting' });
  }

  /** The server is up; keeps the last reported status across a `running` → `running` change. */
  running(): void {
    this.set({ kind: 'running', status: this.phase.kind === 'running' ? this.phase.status : undefined });
  }

  stopped(reason?: string): void {
    this.set({ kind: 'stopped', reason });
  }

  /** A `secretRefs/status` notification arrived. */
  update(status: StatusParams): void {
    this.set({ kind: 'running', status });
  }

  dispose(): void {
    this.item.dispose();
  }

  private set(phase: ServerPhase): void {
    this.phase = phase;
    this.render();
  }

  private render(): void {
    const p = describeStatus(this.phase);
    this.item.text = p.text;
    // VS Code turns `[label](command:…)` in a status detail into a link that runs the command.
    this.item.detail = plainMessage(p.detail, 1000);
    this.item.busy = p.busy;
    this.item.severity = p.severity === 'error' ? this.severities.Error : this.severities.Information;
  }
}
