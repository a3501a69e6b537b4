import { Worker } from 'node:worker_threads';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalysisJob } from './analysisWorker';
import type { DocumentAnalysis, DocumentKind } from './service/documentAnalysis';

/**
 * Analyses large open documents in a worker thread as soon as they change, so that when the
 * validation debounce ends the parse is done (or nearly): a one-character edit in a 10,000-line
 * file is validated in about the debounce, not the debounce plus the parse. Only the latest
 * version of a document is worked on; small documents (most) are analysed on the main thread
 * when needed, as before. If the worker cannot start or dies, everything falls back to that.
 */
export class BackgroundAnalysis {
  private worker: Worker | undefined;
  private broken = false;
  private nextId = 1;
  /** Per document URI: the job in the worker, and the latest version waiting for it. */
  private readonly inFlight = new Map<string, { id: number; version: number }>();
  private readonly queued = new Map<string, { document: TextDocument; kind: DocumentKind; maxSizeKb: number }>();
  private readonly waiters = new Map<string, { version: number; resolve: () => void }[]>();

  constructor(
    private readonly workerPath: string | undefined,
    private readonly minSize: number,
    private readonly deliver: (uri: string, version: number, kind: DocumentKind, maxSizeKb: number, analysis: DocumentAnalysis) => void,
    private readonly logError: (message: string) => void,
  ) {}

  /** Starts analysing this version of a large document (after the one in the worker, if any). */
  submit(document: TextDocument, kind: DocumentKind, maxSizeKb: number): void {
    if (!this.workerPath || this.broken || document.getText().length < this.minSize) {
      this.settle(document.uri);
      return;
    }
    if (this.inFlight.has(document.uri)) {
      this.queued.set(document.uri, { document, kind, maxSizeKb });
      return;
    }
    this.start(document, kind, maxSizeKb);
  }

  /** Resolves when no background analysis of `version` (or older) of the document is pending. */
  ready(uri: string, version: number): Promise<void> {
    const running = this.inFlight.get(uri);
    const queued = this.queued.get(uri);
    const pending = (running && running.version <= version) || (queued && queued.document.version <= version);
    if (!pending) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.waiters.get(uri) ?? [];
      list.push({ version, resolve });
      this.waiters.set(uri, list);
    });
  }

  /** Whether a version of the document is in the worker or waiting for it. */
  isPending(uri: string): boolean {
    return this.inFlight.has(uri) || this.queued.has(uri);
  }

  forget(uri: string): void {
    this.queued.delete(uri);
    this.settle(uri);
  }

  dispose(): void {
    this.broken = true;
    void this.worker?.terminate();
    this.worker = undefined;
    for (const uri of [...this.waiters.keys()]) this.settle(uri);
    this.inFlight.clear();
    this.queued.clear();
  }

  private start(document: TextDocument, kind: DocumentKind, maxSizeKb: number): void {
    const worker = this.workerFor();
    if (!worker) {
      this.settle(document.uri);
      return;
    }
    const id = this.nextId++;
    const version = document.version;
    this.inFlight.set(document.uri, { id, version });
    const job: AnalysisJob = { id, uri: document.uri, text: document.getText(), kind, maxSizeKb };
    const onMessage = (message: { id: number; analysis?: DocumentAnalysis; error?: string }) => {
      if (message.id !== id) return;
      worker.off('message', onMessage);
      if (this.inFlight.get(document.uri)?.id === id) this.inFlight.delete(document.uri);
      if (message.analysis) this.deliver(document.uri, version, kind, maxSizeKb, message.analysis);
      else if (message.error) this.logError(`Analysing ${document.uri} in the background failed: ${message.error}`);
      const next = this.queued.get(document.uri);
      this.queued.delete(document.uri);
      this.wake(document.uri, version);
      if (next) this.start(next.document, next.kind, next.maxSizeKb);
      else this.settle(document.uri);
    };
    worker.on('message', onMessage);
    worker.postMessage(job);
  }

  private workerFor(): Worker | undefined {
    if (this.worker || this.broken || !this.workerPath) return this.worker;
    try {
      const worker = new Worker(this.workerPath);
      worker.unref();
      const fail = (why: string) => {
        if (this.worker !== worker) return;
        this.broken = true;
        this.worker = undefined;
        this.logError(`Background analysis stopped (${why}); documents are analysed on the main thread.`);
        this.inFlight.clear();
        this.queued.clear();
        for (const uri of [...this.waiters.keys()]) this.settle(uri);
      };
      worker.on('error', (error) => fail(error.message));
      worker.on('exit', (code) => fail(`exit code ${code}`));
      this.worker = worker;
    } catch (error) {
      this.broken = true;
      this.logError(`Background analysis is unavailable: ${error instanceof Error ? error.message : String(error)}`);
    }
    return this.worker;
  }

  /** Wakes the waiters of versions up to `version`. */
  private wake(uri: string, version: number): void {
    const list = this.waiters.get(uri);
    if (!list) return;
    const rest = list.filter((w) => w.version > version);
    for (const w of list) if (w.version <= version) w.resolve();
    if (rest.length > 0) this.waiters.set(uri, rest);
    else this.waiters.delete(uri);
  }

  /** Wakes every waiter of a document: nothing more is coming for it. */
  private settle(uri: string): void {
    if (this.inFlight.has(uri) || this.queued.has(uri)) return;
    const list = this.waiters.get(uri);
    this.waiters.delete(uri);
    for (const w of list ?? []) w.resolve();
  }
}
