/**
 * Read-only virtual documents (scheme `secretrefs-preview`) that show a previewed secret value,
 * masked until the user reveals it. The value lives only in this provider's memory and is
 * forgotten when the document closes.
 */
import type * as vscode from 'vscode';
import { displayName } from './constants';
import { SimpleEmitter } from './host';

export const mask = '••••••••';

interface PreviewEntry {
  label: string;
  value: string;
  version?: number | string;
  revealed: boolean;
}

export class PreviewDocuments implements vscode.TextDocumentContentProvider {
  private readonly entries = new Map<string, PreviewEntry>();
  private readonly changed = new SimpleEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    const entry = this.entries.get(uri.toString());
    if (entry === undefined) return `This preview was closed; run "${displayName}: Preview Secret Value" again.\n`;
    const heading = entry.version !== undefined ? `${entry.label} (version ${entry.version})` : entry.label;
    const note = entry.revealed ? 'Revealed. Close this document when you are done.' : 'Masked. Choose Reveal in the notification to show the value.';
    return `${heading}\n${note}\n\n${entry.revealed ? entry.value : mask}\n`;
  }

  has(uri: vscode.Uri): boolean {
    return this.entries.has(uri.toString());
  }

  /** Shows a (new) value, masked. */
  set(uri: vscode.Uri, label: string, value: string, version?: number | string): void {
    const entry: PreviewEntry = { label, value, revealed: false };
    if (version !== undefined) entry.version = version;
    this.entries.set(uri.toString(), entry);
    this.changed.fire(uri);
  }

  value(uri: vscode.Uri): string | undefined {
    return this.entries.get(uri.toString())?.value;
  }

  isRevealed(uri: vscode.Uri): boolean {
    return this.entries.get(uri.toString())?.revealed === true;
  }

  setRevealed(uri: vscode.Uri, revealed: boolean): void {
    const entry = this.entries.get(uri.toString());
    if (entry === undefined || entry.revealed === revealed) return;
    entry.revealed = revealed;
    this.changed.fire(uri);
  }

  forget(uri: vscode.Uri): void {
    this.entries.delete(uri.toString());
  }

  /** How many values are held (tests check that closing forgets them). */
  get size(): number {
    return this.entries.size;
  }

  dispose(): void {
    this.entries.clear();
    this.changed.dispose();
  }
}
