/**
 * Worker thread entry (bundled to dist/analysisWorker.js): analyses a large document's text off
 * the server's main thread, so the parse of a long file runs while the validation debounce waits
 * and typing never waits on it. Answers every message, with the analysis or the error's message.
 */
import { parentPort } from 'node:worker_threads';
import { analyzeDocument } from './service/analyzeDocument';
import type { DocumentKind } from './service/documentAnalysis';

export interface AnalysisJob {
  id: number;
  uri: string;
  text: string;
  kind: DocumentKind;
  maxSizeKb: number;
}

parentPort?.on('message', (job: AnalysisJob) => {
  try {
    parentPort!.postMessage({ id: job.id, analysis: analyzeDocument(job.uri, job.text, job.kind, { maxSizeKb: job.maxSizeKb }) });
  } catch (error) {
    parentPort!.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) });
  }
});
