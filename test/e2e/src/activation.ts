/**
 * Extension activation times as VS Code itself reports them, read off the screen:
 *
 * - "Developer: Show Running Extensions" lists every activated extension that has code, one row
 *   per extension, with "Activation: N ms" ("Startup Activation" when an eager event such as
 *   `*` or `workspaceContains:` activated it). N is the extension host's `activationTimes`:
 *   code loading time + activate call time.
 * - "Developer: Startup Performance" opens a markdown document whose "Extension Activation
 *   Stats" table gives, per extension id, the same `activationTimes` split in Load Code, Call
 *   Activate and Finish Activate (activate resolved), with the activation event. Its "System
 *   Info" names the product version.
 *
 * Both read `IExtensionService.getExtensionsStatus()` in the workbench, fed by the extension
 * host; the view lists extensions by name (the row's accessible name is the manifest `name`),
 * the table by id.
 */
import { poll, waitFor } from './poll';
import type { Workbench } from './workbench';

export interface RunningExtensionRow {
  /** The manifest `name` (the row's accessible name), e.g. `git`. */
  name: string;
  /** What the row shows as the name: the display name. */
  displayName: string;
  version: string;
  /** The number of "Activation: N ms"; undefined while the row says "Activating...". */
  activationMs: number | undefined;
  /** "Startup Activation" rather than "Activation". */
  startup: boolean;
  /** The whole text of the row, for error messages. */
  text: string;
}

export interface ActivationStat {
  id: string;
  eager: boolean;
  codeLoadingMs: number;
  activateCallMs: number;
  activateResolvedMs: number;
  event: string;
  by: string;
}

export const runningExtensionsCommand = 'Developer: Show Running Extensions';
export const startupPerformanceCommand = 'Developer: Startup Performance';

/** The rows of the Running Extensions editor that are rendered now. */
async function renderedRows(wb: Workbench): Promise<(RunningExtensionRow & { index: number })[]> {
  const raw = await wb.page.evaluate(() =>
    ([...document.querySelectorAll('.runtime-extensions-editor .monaco-list-row')] as HTMLElement[]).map((row) => {
      const text = (selector: string) => ((row.querySelector(selector) as HTMLElement | null)?.innerText ?? '').trim();
      return {
        index: Number(row.dataset.index),
        name: row.getAttribute('aria-label') ?? '',
        displayName: text('.name'),
        version: text('.version'),
        activation: text('.activation-time'),
        text: row.innerText.trim(),
      };
    }),
  );
  return raw.map((r) => {
    const match = /^(Startup )?Activation: (\d+(?:\.\d+)?)\s*ms$/.exec(r.activation);
    return {
      index: r.index,
      name: r.name,
      displayName: r.displayName,
      version: r.version,
      activationMs: match ? Number(match[2]) : undefined,
      startup: match?.[1] !== undefined,
      text: r.text.replace(/\s*\n\s*/g, ' | '),
    };
  });
}

/**
 * Opens "Developer: Show Running Extensions" and reads every row (scrolling the list if it is
 * longer than the screen), once the row named `waitForName` shows its activation time.
 */
export async function readRunningExtensions(wb: Workbench, waitForName: string, timeout = 20_000): Promise<RunningExtensionRow[]> {
  await wb.runCommand(runningExtensionsCommand);
  const list = wb.page.locator('.runtime-extensions-editor .monaco-list');
  await poll(() => list.isVisible(), { what: 'the Running Extensions editor', timeout });
  const rows = await waitFor(
    () => renderedRows(wb),
    (rendered) => rendered.some((r) => r.name === waitForName && r.activationMs !== undefined),
    { what: `the row of "${waitForName}" with its activation time in Running Extensions`, timeout },
  );
  // The list renders only the rows on screen: scroll through the rest, if any.
  const all = new Map(rows.map(({ index, ...row }) => [index, row]));
  const total = await wb.page.evaluate(() => {
    const container = document.querySelector('.runtime-extensions-editor .monaco-list-rows') as HTMLElement | null;
    const row = container?.querySelector('.monaco-list-row') as HTMLElement | null;
    return container && row && row.offsetHeight > 0 ? Math.round(container.offsetHeight / row.offsetHeight) : 0;
  });
  if (all.size < total) await list.hover();
  // The row count is estimated from the list's height, which may count a row's worth of empty
  // space: scrolling stops, without failing, once it shows no new row.
  while (all.size < total) {
    await wb.page.mouse.wheel(0, 200);
    const more = await poll(
      async () => {
        const fresh = (await renderedRows(wb)).filter((r) => !all.has(r.index));
        return fresh.length > 0 ? fresh : undefined;
      },
      { what: `more than ${all.size} of ${total} rows in Running Extensions`, timeout: 3000 },
    ).catch(() => undefined);
    if (!more) break;
    for (const { index, ...row } of more) all.set(index, row);
  }
  return [...all.entries()].sort((a, b) => a[0] - b[0]).map(([, row]) => row);
}

/** `| a | b | ... |` → cells, trimmed. */
const cells = (line: string): string[] =>
  line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((c) => c.trim());

function parseStat(line: string): ActivationStat | undefined {
  const c = cells(line);
  if (c.length !== 7 || !/^(true|false)$/.test(c[1]!) || !c.slice(2, 5).every((x) => /^\d+(\.\d+)?$/.test(x))) return undefined;
  return {
    id: c[0]!,
    eager: c[1] === 'true',
    codeLoadingMs: Number(c[2]),
    activateCallMs: Number(c[3]),
    activateResolvedMs: Number(c[4]),
    event: c[5]!,
    by: c[6]!,
  };
}

/** Find (Ctrl+F) `text` in the active editor, which scrolls to it, then closes the find widget. */
async function findInEditor(wb: Workbench, text: string): Promise<void> {
  await wb.page.keyboard.press('Control+F');
  const input = wb.page.locator('.editor-group-container.active .find-widget.visible .find-part textarea').first();
  await input.waitFor({ state: 'visible', timeout: 5000 });
  await input.fill(text);
  await poll(async () => /^\d+ of \d+/.test((await wb.page.locator('.editor-group-container.active .find-widget.visible .matchesCount').innerText()).trim()), {
    what: `"${text}" found in the editor`,
    timeout: 5000,
  });
  await wb.page.keyboard.press('Escape');
}

export interface StartupPerformance {
  /** The version System Info names (`<product>: <version> (<commit>)`). */
  version: string;
  product: string;
  commit: string;
  stats: ActivationStat[];
}

/**
 * Opens "Developer: Startup Performance" and reads the System Info version and the rows of
 * "Extension Activation Stats": the rows on screen, plus those of `ids` and `optionalIds` searched
 * for if they are not (a missing one of `ids` fails).
 */
export async function readStartupPerformance(wb: Workbench, ids: string[], optionalIds: string[] = [], timeout = 20_000): Promise<StartupPerformance> {
  await wb.runCommand(startupPerformanceCommand);
  await wb.waitForActiveEditor('perf:Startup Performance', timeout);
  const info = await waitFor(
    async () => {
      for (const line of await wb.editorLines()) {
        const m = /^\* (.+?): (\d+\.\d+\.\d+\S*) \(([0-9a-f]+)\)$/.exec(line.trim());
        if (m) return { product: m[1]!, version: m[2]!, commit: m[3]! };
      }
      return undefined;
    },
    (v) => v !== undefined,
    { what: 'the product version in the System Info of Startup Performance', timeout },
  );
  const stats = new Map<string, ActivationStat>();
  const readVisible = async () => {
    for (const line of await wb.editorLines()) {
      const stat = parseStat(line);
      if (stat) stats.set(stat.id, stat);
    }
  };
  await findInEditor(wb, '## Extension Activation Stats');
  await readVisible();
  for (const id of [...ids, ...optionalIds]) {
    if (stats.has(id)) continue;
    try {
      await findInEditor(wb, `| ${id} `);
    } catch (error) {
      if (ids.includes(id)) throw error;
      await wb.page.keyboard.press('Escape');
      continue;
    }
    await readVisible();
  }
  return { ...info!, stats: [...stats.values()] };
}
