/**
 * What the extension writes to the output channel and shows in notifications quotes files, paths,
 * server answers and error texts. These wrappers make every such write plain text:
 * - the output channel gets no control or bidi character (line breaks kept);
 * - a notification gets one line in which no `[label](command:…)` link can form (VS Code renders
 *   one in a notification and runs the command when clicked), and a modal's detail loses its
 *   control and bidi characters.
 * Everything else passes through to the real object unchanged.
 */
import type * as vscode from 'vscode';
import { stripControls } from '../../shared/src/text/controls';
import { plainMessage } from '../../shared/src/text/plain';
import type { WindowLike } from './host';

function logText(value: unknown): unknown {
  if (typeof value === 'string') return stripControls(value, { keepNewlines: true, max: 20_000 });
  if (value instanceof Error) return stripControls(value.stack ?? value.message, { keepNewlines: true, max: 20_000 });
  return value;
}

const logMethods = new Set(['trace', 'debug', 'info', 'warn', 'error', 'append', 'appendLine', 'replace']);

/** The output channel, with every message made plain text. */
export function plainLog(channel: vscode.LogOutputChannel): vscode.LogOutputChannel {
  return new Proxy(channel, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (typeof property === 'string' && logMethods.has(property)) {
        return (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(target, args.map(logText));
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}

const messageMethods = new Set(['showErrorMessage', 'showWarningMessage', 'showInformationMessage']);

function messageOptions(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || !('detail' in value)) return value;
  const options = value as vscode.MessageOptions;
  return typeof options.detail === 'string' ? { ...options, detail: stripControls(options.detail, { keepNewlines: true, max: 4000 }) } : value;
}

/** The window, with every notification message made plain text. */
export function plainWindow<W extends WindowLike>(window: W): W {
  return new Proxy(window, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (typeof property === 'string' && messageMethods.has(property)) {
        return (message: unknown, ...rest: unknown[]) => {
          const text = typeof message === 'string' ? plainMessage(message, 4000) : message;
          // The first argument after the message is either the options or the first button.
          const args = rest.length > 0 ? [messageOptions(rest[0]), ...rest.slice(1)] : rest;
          return (value as (...a: unknown[]) => unknown).apply(target, [text, ...args]);
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}
