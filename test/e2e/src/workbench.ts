/**
 * Driving the VS Code workbench in the browser the way a person does: the command palette (F1),
 * Quick Open, the keyboard shortcuts of the editor, and reading what is on screen (the Problems
 * panel, the suggest widget, hovers, quick picks, dialogs, notifications). Every read is a DOM
 * query; every wait is a poll.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { poll, waitFor } from './poll';

export interface Marker {
  severity: 'error' | 'warning' | 'info' | 'hint' | string;
  message: string;
  source: string;
  code: string;
  line: number;
  column: number;
}

export interface ProblemGroup {
  /** The file name as the Problems panel shows it. */
  file: string;
  /** The folder the panel shows next to the file name (relative to the workspace). */
  folder: string;
  markers: Marker[];
}

export interface QuickInputState {
  title: string;
  placeholder: string;
  /** The message under the input: a prompt or a validation message. */
  message: string;
  value: string;
  /** Whether the input shows dots (an input box with `password: true`). */
  password: boolean;
  items: { label: string; description: string; detail: string; ariaLabel: string }[];
}

export interface DialogState {
  message: string;
  detail: string;
  buttons: string[];
}

export interface NotificationState {
  message: string;
  buttons: string[];
}

export interface SuggestItem {
  label: string;
  ariaLabel: string;
}

/** What `innerText` gives for the editor: non-breaking spaces become spaces. */
const normalize = (text: string): string => text.replace(/\u00a0/g, ' ');

export class Workbench {
  constructor(
    readonly page: Page,
    readonly artifacts: string,
  ) {
    mkdirSync(artifacts, { recursive: true });
  }

  // ------------------------------------------------------------------ start-up

  /** Waits for the workbench and the explorer of the opened folder. */
  async waitReady(): Promise<void> {
    await this.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await poll(() => this.page.locator('.explorer-folders-view .monaco-list-row').count().then((n) => n > 0), {
      what: 'the explorer to list the workspace',
      timeout: 60_000,
    });
  }

  /** Developer: Reload Window, then waits for the new workbench. */
  async reloadWindow(): Promise<void> {
    const navigated = this.page.waitForEvent('framenavigated', { predicate: (frame) => frame === this.page.mainFrame(), timeout: 30_000 });
    await this.runCommand('Developer: Reload Window');
    await navigated;
    await this.page.waitForLoadState('load');
    await this.waitReady();
  }

  async screenshot(name: string): Promise<string> {
    const file = path.join(this.artifacts, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  // ------------------------------------------------------------------ command palette and quick input

  private quickInput() {
    return this.page.locator('.quick-input-widget');
  }

  async quickInputVisible(): Promise<boolean> {
    return this.quickInput().isVisible();
  }

  async readQuickInput(): Promise<QuickInputState | undefined> {
    if (!(await this.quickInputVisible())) return undefined;
    return this.page.evaluate(() => {
      const widget = document.querySelector('.quick-input-widget') as HTMLElement | null;
      if (widget === null) return undefined;
      const text = (selector: string) => ((widget.querySelector(selector) as HTMLElement | null)?.innerText ?? '').trim();
      const input = widget.querySelector('.quick-input-box input') as HTMLInputElement | null;
      const items = [...widget.querySelectorAll('.quick-input-list .monaco-list-row')].map((row) => {
        const el = row as HTMLElement;
        const part = (selector: string) => ((el.querySelector(selector) as HTMLElement | null)?.innerText ?? '').trim();
        return {
          label: part('.label-name'),
          description: part('.label-description'),
          detail: part('.quick-input-list-label-meta, .monaco-icon-label-container + .monaco-icon-label-container, .label-detail'),
          ariaLabel: el.getAttribute('aria-label') ?? '',
        };
      });
      return {
        title: text('.quick-input-title'),
        placeholder: input?.placeholder ?? '',
        message: text('.quick-input-message'),
        value: input?.value ?? '',
        password: input?.type === 'password',
        items,
      };
    });
  }

  /** Waits for a quick input (pick or input box) matching `accept`. */
  async waitForQuickInput(accept: (state: QuickInputState) => boolean, what: string, timeout = 15_000): Promise<QuickInputState> {
    return waitFor(
      async () => (await this.readQuickInput()) ?? ({ title: '', placeholder: '', message: '(no quick input)', value: '', password: false, items: [] } as QuickInputState),
      (state) => state.message !== '(no quick input)' && accept(state),
      { what, timeout },
    );
  }

  async waitForQuickInputClosed(what = 'the quick input to close', timeout = 15_000): Promise<void> {
    await poll(async () => !(await this.quickInputVisible()), { what, timeout });
  }

  /**
   * Presses `key` until a quick input satisfying `accept` opens: right after start-up or a reload
   * the workbench may not take the first key press.
   */
  private async openQuickInputWith(key: string, accept: (state: QuickInputState) => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      await this.page.keyboard.press(key);
      try {
        await this.waitForQuickInput(accept, what, 3000);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await this.dismissQuickInput();
      }
    }
  }

  /** Replaces the quick input's text. */
  async typeInQuickInput(text: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.fill(text);
  }

  /**
   * Runs a command from the palette by its full title ("Category: Title"), the way a person does:
   * F1, type, wait for that exact entry, Enter.
   */
  async runCommand(title: string, timeout = 15_000): Promise<void> {
    await this.dismissQuickInput();
    await this.openQuickInputWith('F1', (s) => s.value.startsWith('>'), 'the command palette');
    await this.typeInQuickInput(`>${title}`);
    await this.pick((item) => item.label === title || item.ariaLabel.startsWith(title), `the command "${title}" in the palette`, timeout);
  }

  /**
   * Picks the item whose label is `label` (or for which `match` holds) in the open quick pick,
   * with a click on that row. The list may re-render meanwhile (Quick Open streams its results),
   * so the row is found again by its accessible name, and the pick retried until the deadline.
   */
  async pick(match: string | ((item: QuickInputState['items'][number]) => boolean), what?: string, timeout = 15_000): Promise<void> {
    const test = typeof match === 'string' ? (item: QuickInputState['items'][number]) => item.label === match : match;
    const deadline = Date.now() + timeout;
    for (;;) {
      const state = await this.waitForQuickInput((s) => s.items.some(test), what ?? `the item "${String(match)}" in the quick pick`, Math.max(1000, deadline - Date.now()));
      const item = state.items.find(test)!;
      const row = this.page.locator(`.quick-input-list .monaco-list-row[aria-label=${JSON.stringify(item.ariaLabel)}]`).first();
      try {
        await row.click({ timeout: 2000 });
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
    }
  }

  /** Types into the open input box and presses Enter. */
  async answerInput(text: string): Promise<void> {
    await this.typeInQuickInput(text);
    await this.page.keyboard.press('Enter');
  }

  async dismissQuickInput(): Promise<void> {
    for (let i = 0; i < 3 && (await this.quickInputVisible()); i++) {
      await this.page.keyboard.press('Escape');
      try {
        await this.waitForQuickInputClosed('the quick input to close after Escape', 2000);
      } catch {
        // A nested input reopens the next one; try again.
      }
    }
  }

  // ------------------------------------------------------------------ editors

  /** Opens a workspace file with Quick Open (Ctrl+P), like a person, and waits for its editor. */
  async openFile(relativePath: string): Promise<void> {
    await this.dismissQuickInput();
    const base = path.posix.basename(relativePath);
    const dir = path.posix.dirname(relativePath);
    await this.openQuickInputWith('Control+P', (s) => !s.value.startsWith('>'), 'Quick Open');
    await this.typeInQuickInput(relativePath);
    await this.pick(
      (item) => item.label === base && (dir === '.' || item.description === dir || item.ariaLabel.includes(dir)),
      `"${relativePath}" in Quick Open`,
      30_000,
    );
    await this.waitForActiveEditor(relativePath);
  }

  /** The URI of the focused text editor (Monaco's `data-uri`). */
  async activeEditorUri(): Promise<string | undefined> {
    return this.page.evaluate(() => {
      const editors = [...document.querySelectorAll('.editor-group-container.active .monaco-editor[data-uri]')];
      const focused = editors.find((e) => e.classList.contains('focused')) ?? editors[0];
      return focused?.getAttribute('data-uri') ?? undefined;
    });
  }

  async waitForActiveEditor(suffix: string, timeout = 15_000): Promise<void> {
    await waitFor(
      async () => (await this.activeEditorUri()) ?? '',
      (uri) => decodeURIComponent(uri).endsWith(suffix),
      { what: `the editor of ${suffix}`, timeout },
    );
  }

  /** The visible lines of the active editor, top to bottom (small files fit on screen). */
  async editorLines(): Promise<string[]> {
    const lines = await this.page.evaluate(() => {
      const editor = document.querySelector('.editor-group-container.active .monaco-editor[data-uri]');
      if (editor === null) return [] as { top: number; text: string }[];
      return [...editor.querySelectorAll('.view-lines .view-line')].map((line) => ({
        top: parseFloat((line as HTMLElement).style.top || '0'),
        text: (line as HTMLElement).innerText,
      }));
    });
    return lines.sort((a, b) => a.top - b.top).map((l) => normalize(l.text).replace(/\n$/, ''));
  }

  async cursorPosition(): Promise<string> {
    const item = this.page.locator('#status\\.editor\\.selection');
    return (await item.isVisible()) ? (await item.innerText()).trim() : '';
  }

  /** Moves the cursor with Go to Line (Ctrl+G) and waits for the status bar to show it. */
  async goTo(line: number, column: number): Promise<void> {
    await this.dismissQuickInput();
    await this.openQuickInputWith('Control+G', () => true, 'Go to Line');
    await this.typeInQuickInput(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await waitFor(() => this.cursorPosition(), (text) => text.startsWith(`Ln ${line}, Col ${column}`), {
      what: `the cursor at line ${line}, column ${column}`,
    });
  }

  /** Selects from the cursor to the end of the line and types `text` over it. */
  async replaceToLineEnd(text: string): Promise<void> {
    await this.page.keyboard.press('Shift+End');
    if (text === '') await this.page.keyboard.press('Delete');
    else await this.page.keyboard.type(text);
  }

  /** Reverts the active editor to the file on disk (File: Revert File). */
  async revertFile(): Promise<void> {
    await this.runCommand('File: Revert File');
  }

  async closeAllEditors(): Promise<void> {
    await this.runCommand('View: Close All Editors');
    await poll(() => this.page.locator('.editor-group-container .monaco-editor[data-uri]').count().then((n) => n === 0), {
      what: 'every editor to close',
    });
  }

  // ------------------------------------------------------------------ problems

  async showProblems(): Promise<void> {
    if (await this.page.locator('.markers-panel').isVisible()) return;
    await this.runCommand('View: Focus Problems (Errors, Warnings, Infos)').catch(async () => {
      await this.page.keyboard.press('Control+Shift+M');
    });
    await poll(() => this.page.locator('.markers-panel').isVisible(), { what: 'the Problems panel' });
  }

  /** The Problems panel, grouped by file. */
  async readProblems(): Promise<ProblemGroup[]> {
    return this.page.evaluate(() => {
      const groups: { file: string; folder: string; markers: Marker[] }[] = [];
      const rows = [...document.querySelectorAll('.markers-panel .monaco-list-row')] as HTMLElement[];
      rows.sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index));
      for (const row of rows) {
        const text = (selector: string) => ((row.querySelector(selector) as HTMLElement | null)?.innerText ?? '').trim();
        if (row.getAttribute('aria-level') === '1') {
          groups.push({ file: text('.label-name'), folder: text('.label-description'), markers: [] });
          continue;
        }
        const icon = row.querySelector('.marker-icon');
        const severity = ['error', 'warning', 'info', 'hint'].find((s) => icon?.classList.contains(s)) ?? 'unknown';
        const where = /Ln (\d+), Col (\d+)/.exec(text('.marker-line'));
        groups[groups.length - 1]?.markers.push({
          severity,
          message: text('.marker-message'),
          source: text('.marker-source'),
          code: text('.marker-code'),
          line: where ? Number(where[1]) : 0,
          column: where ? Number(where[2]) : 0,
        });
      }
      return groups;
    });
  }

  /** Markers of one file (by file name), as the Problems panel lists them. */
  async problemsOf(fileName: string): Promise<Marker[]> {
    await this.showProblems();
    const groups = await this.readProblems();
    return groups.filter((g) => g.file === fileName).flatMap((g) => g.markers);
  }

  /** Waits until the Problems panel shows, for `fileName`, markers that satisfy `accept`. */
  async waitForProblems(fileName: string, accept: (markers: Marker[]) => boolean, what: string, timeout = 30_000): Promise<Marker[]> {
    await this.showProblems();
    return waitFor(() => this.problemsOf(fileName), accept, { what, timeout });
  }

  // ------------------------------------------------------------------ suggest, hover, code actions

  async readSuggestions(): Promise<SuggestItem[]> {
    return this.page.evaluate(() => {
      const widget = document.querySelector('.editor-widget.suggest-widget.visible');
      if (widget === null) return [];
      const rows = [...widget.querySelectorAll('.monaco-list-row')] as HTMLElement[];
      rows.sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index));
      return rows.map((row) => ({
        label: ((row.querySelector('.label-name') as HTMLElement | null)?.innerText ?? '').trim(),
        ariaLabel: row.getAttribute('aria-label') ?? '',
      }));
    });
  }

  /** Triggers suggestions (Ctrl+Space) and waits until the list satisfies `accept`. */
  async suggest(accept: (items: SuggestItem[]) => boolean, what: string, timeout = 15_000): Promise<SuggestItem[]> {
    await this.page.keyboard.press('Control+Space');
    return waitFor(() => this.readSuggestions(), (items) => items.length > 0 && accept(items), { what, timeout });
  }

  async closeSuggestions(): Promise<void> {
    if ((await this.readSuggestions()).length === 0) return;
    await this.page.keyboard.press('Escape');
    await poll(async () => (await this.readSuggestions()).length === 0, { what: 'the suggest widget to close' });
  }

  /** The text of the visible editor hover ('' when none). */
  async readHover(): Promise<string> {
    return this.page.evaluate(() => {
      const hovers = [...document.querySelectorAll('.monaco-editor .monaco-hover:not(.hidden)')] as HTMLElement[];
      return hovers
        .filter((h) => h.offsetParent !== null)
        .map((h) => h.innerText)
        .join('\n')
        .trim();
    });
  }

  /**
   * Shows the hover at the cursor (Show or Focus Hover, Ctrl+K Ctrl+I) and waits until its text
   * satisfies `accept`. The hover is asked again while waiting, so a live answer that arrives
   * later is seen.
   */
  async hover(accept: (text: string) => boolean, what: string, timeout = 20_000): Promise<string> {
    let asked = 0;
    return waitFor(
      async () => {
        const text = await this.readHover();
        if (accept(text)) return text;
        if (asked === 0 || Date.now() - asked > 2000) {
          asked = Date.now();
          if (text !== '') await this.page.keyboard.press('Escape');
          await this.page.keyboard.press('Control+K');
          await this.page.keyboard.press('Control+I');
        }
        return text;
      },
      accept,
      { what, timeout, interval: 200 },
    );
  }

  /** Whether the line of the visible hover that contains `text` is inside the hover's viewport. */
  private async hoverShows(text: string): Promise<boolean> {
    return this.page.evaluate((wanted) => {
      const hover = [...document.querySelectorAll('.monaco-editor .monaco-hover:not(.hidden)')].find((h) => (h as HTMLElement).offsetParent !== null);
      if (hover === undefined) return false;
      const line = ([...hover.querySelectorAll('li, p')] as HTMLElement[]).find((e) => e.innerText.includes(wanted));
      if (line === undefined) return false;
      const outer = hover.getBoundingClientRect();
      const inner = line.getBoundingClientRect();
      return inner.top >= outer.top && inner.bottom <= outer.bottom;
    }, text);
  }

  /**
   * Scrolls the visible hover with the mouse wheel until the line containing `text` is in view,
   * so a screenshot shows it. Returns whether it got there.
   */
  async scrollHoverTo(text: string): Promise<boolean> {
    const hover = this.page.locator('.monaco-editor .monaco-hover:not(.hidden)').first();
    const box = await hover.boundingBox();
    if (box === null) return false;
    await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    try {
      await poll(
        async () => {
          if (await this.hoverShows(text)) return true;
          await this.page.mouse.wheel(0, 60);
          return false;
        },
        { what: `"${text}" in view in the hover`, timeout: 5000, interval: 150 },
      );
      return true;
    } catch {
      return false;
    }
  }

  /** Titles in the open code action (light bulb) menu. */
  async readCodeActions(): Promise<string[]> {
    return this.page.evaluate(() => {
      const widget = document.querySelector('.action-widget');
      if (widget === null || (widget as HTMLElement).offsetParent === null) return [];
      return ([...widget.querySelectorAll('.monaco-list-row.action')] as HTMLElement[]).map((row) =>
        (row.getAttribute('aria-label') ?? row.innerText).trim(),
      );
    });
  }

  /** The label of the focused entry of the code action menu. */
  private async focusedCodeAction(): Promise<string> {
    return this.page.evaluate(() => {
      const row = document.querySelector('.action-widget .monaco-list-row.action.focused') as HTMLElement | null;
      return (row?.getAttribute('aria-label') ?? row?.innerText ?? '').trim();
    });
  }

  /**
   * Opens Quick Fix (Ctrl+.) at the cursor and applies the action titled `title` with the
   * keyboard (the menu sits behind a pointer block, as for a person using the keyboard).
   */
  async applyQuickFix(title: string): Promise<void> {
    await this.page.keyboard.press('Control+.');
    const titles = await waitFor(() => this.readCodeActions(), (t) => t.includes(title), { what: `the quick fix "${title}"` });
    for (let i = 0; i <= titles.length && (await this.focusedCodeAction()) !== title; i++) await this.page.keyboard.press('ArrowDown');
    assert.equal(await this.focusedCodeAction(), title, `the quick fix "${title}" is selected`);
    await this.page.keyboard.press('Enter');
    await poll(async () => (await this.readCodeActions()).length === 0, { what: 'the quick fix menu to close' });
  }

  // ------------------------------------------------------------------ dialogs and notifications

  async readDialog(): Promise<DialogState | undefined> {
    return this.page.evaluate(() => {
      const box = document.querySelector('.monaco-dialog-box') as HTMLElement | null;
      if (box === null || box.offsetParent === null) return undefined;
      const text = (selector: string) => ((box.querySelector(selector) as HTMLElement | null)?.innerText ?? '').trim();
      return {
        message: text('.dialog-message-text'),
        detail: text('.dialog-message-detail'),
        buttons: ([...box.querySelectorAll('.dialog-buttons .monaco-button')] as HTMLElement[]).map((b) => b.innerText.trim()),
      };
    });
  }

  async waitForDialog(accept: (dialog: DialogState) => boolean, what: string, timeout = 15_000): Promise<DialogState> {
    return waitFor(
      async () => (await this.readDialog()) ?? { message: '(no dialog)', detail: '', buttons: [] },
      (d) => d.message !== '(no dialog)' && accept(d),
      { what, timeout },
    );
  }

  async clickDialogButton(label: string): Promise<void> {
    await this.page.locator('.monaco-dialog-box .dialog-buttons .monaco-button', { hasText: label }).first().click();
    await poll(async () => (await this.readDialog()) === undefined, { what: 'the dialog to close' });
  }

  /** The notification toasts on screen, once their fade-in is over (so a screenshot shows them). */
  async readNotifications(): Promise<NotificationState[]> {
    return this.page.evaluate(() =>
      ([...document.querySelectorAll('.notifications-toasts .notification-toast-container')] as HTMLElement[])
        .filter((c) => c.offsetParent !== null && c.querySelector('.notification-toast.notification-fade-in-done') !== null)
        .map((c) => c.querySelector('.notification-list-item') as HTMLElement | null)
        .filter((n): n is HTMLElement => n !== null)
        .map((n) => ({
          message: ((n.querySelector('.notification-list-item-message') as HTMLElement | null)?.innerText ?? '').trim(),
          buttons: ([...n.querySelectorAll('.notification-list-item-buttons-container .monaco-button')] as HTMLElement[]).map((b) =>
            b.innerText.trim(),
          ),
        })),
    );
  }

  async waitForNotification(accept: (n: NotificationState) => boolean, what: string, timeout = 15_000): Promise<NotificationState> {
    const all = await waitFor(() => this.readNotifications(), (ns) => ns.some(accept), { what, timeout });
    return all.find(accept)!;
  }

  async clickNotificationButton(messagePart: string, label: string): Promise<void> {
    const toast = this.page.locator('.notifications-toasts .notification-list-item', { hasText: messagePart }).first();
    await toast.locator('.notification-list-item-buttons-container .monaco-button', { hasText: label }).first().click();
  }

  async clearNotifications(): Promise<void> {
    if ((await this.readNotifications()).length === 0) return;
    await this.runCommand('Notifications: Clear All Notifications');
    await poll(async () => (await this.readNotifications()).length === 0, { what: 'the notifications to clear' });
  }
}
