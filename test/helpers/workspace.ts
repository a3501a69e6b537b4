import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, Position } from 'vscode-languageserver-types';
import { normalizeSettings, type Settings } from '../../shared/src/settings';
import { WorkspaceIndex } from '../../server/src/service/facts/workspaceIndex';
import { createLanguageService, type LanguageService } from '../../server/src/service/languageService';
import type { DocumentKind } from '../../server/src/service/documentAnalysis';
import { withCursor } from './cursor';

export const prodVault = `name: prod
provider: hashicorp
url: https://vault.example.com:8200
engines:
  secret: { type: kv, version: 2 }
  legacy: { type: kv, version: 1 }
  team/kv: { type: kv, version: 2 }
`;

export const awsVault = `name: prod-aws
provider: aws
region: eu-west-1
`;

/** An in-memory workspace: files by name under file:///ws/, indexed like the server does. */
export class TestWorkspace {
  readonly index = new WorkspaceIndex((uri) => (uri.startsWith('file:///ws/') ? 'file:///ws' : ''));
  readonly service: LanguageService;
  private readonly docs = new Map<string, TextDocument>();

  constructor(files: Record<string, string> = { 'prod.vault.yaml': prodVault, 'aws.vault.yaml': awsVault }, settings?: Partial<Settings['diagnostics']>) {
    const all = normalizeSettings({ diagnostics: settings });
    this.service = createLanguageService({ settings: all });
    for (const [name, text] of Object.entries(files)) this.set(name, text);
    this.index.setComplete(true);
  }

  static kindOf(name: string): DocumentKind {
    return /\.vault\.ya?ml$/.test(name) ? 'vault-config' : 'connection';
  }

  set(name: string, text: string): TextDocument {
    const uri = `file:///ws/${name}`;
    const previous = this.docs.get(uri);
    const doc = TextDocument.create(uri, 'yaml', (previous?.version ?? 0) + 1, text);
    this.docs.set(uri, doc);
    const analysis = this.service.analyze(doc, TestWorkspace.kindOf(name));
    this.index.record(analysis, text);
    return doc;
  }

  doc(name: string): TextDocument {
    const doc = this.docs.get(`file:///ws/${name}`);
    if (!doc) throw new Error(`no document ${name}`);
    return doc;
  }

  validate(name: string, text?: string): Diagnostic[] {
    if (text !== undefined) this.set(name, text);
    return this.service.validate(this.doc(name), TestWorkspace.kindOf(name), this.index);
  }

  codes(name: string, text?: string): string[] {
    return this.validate(name, text).map((d) => String(d.code));
  }

  /** Sets a document whose text holds a cursor marker; returns the cursor's position. */
  setWithCursor(name: string, marked: string, marker?: string): Position {
    const { text, offset } = withCursor(marked, marker);
    return this.set(name, text).positionAt(offset);
  }

  complete(name: string, marked: string, marker?: string): string[] {
    const position = this.setWithCursor(name, marked, marker);
    return this.service.complete(this.doc(name), TestWorkspace.kindOf(name), position, this.index).items.map((i) => i.label);
  }

  hover(name: string, marked: string): string | undefined {
    const position = this.setWithCursor(name, marked);
    const hover = this.service.hover(this.doc(name), TestWorkspace.kindOf(name), position, this.index);
    return hover ? (hover.contents as { value: string }).value : undefined;
  }

  /** Applies the quick fix with `title` (or the preferred one) for the first diagnostic with `code`. */
  fix(name: string, code: string, title?: string): string {
    const doc = this.doc(name);
    const diagnostic = this.validate(name).find((d) => d.code === code);
    if (!diagnostic) throw new Error(`no ${code} diagnostic`);
    const actions = this.service.codeActions(doc, TestWorkspace.kindOf(name), diagnostic.range, [diagnostic], this.index);
    const action = title ? actions.find((a) => a.title === title) : (actions.find((a) => a.isPreferred) ?? actions[0]);
    if (!action?.edit?.changes) throw new Error(`no fix for ${code}: ${actions.map((a) => a.title).join(', ')}`);
    return TextDocument.applyEdits(doc, action.edit.changes[doc.uri] ?? []);
  }
}

export function connection(body: string): string {
  return `name: test\n${body}`;
}
