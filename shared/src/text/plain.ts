/**
 * Untrusted text in places VS Code shows as plain text but still scans for links: notification
 * messages and a language status item's detail turn `[label](https://…)`, `[label](file:…)` and
 * `[label](command:…)` into links, and run the command when clicked (VS Code's
 * `src/vs/base/common/linkedText.ts` `parseLinkedText`, opened with commands allowed in
 * `notificationsViewer.ts` and `languageStatus.ts`). SARIF viewers do the same with a plain text
 * message (SARIF 2.1.0 §3.11.6, "Messages with embedded links": the target may be any URI).
 */
import { defaultTextLimit, oneLine } from './controls';

/** One line without controls in which no `[label](target)` link can form. */
export function plainMessage(text: string, max = defaultTextLimit): string {
  return oneLine(text, max).replace(/\]\(/g, '] (');
}
