import * as path from 'node:path';
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { takeSessionKey } from '../../shared/src/sealing';
import { startServer } from './server';

// Read once and removed from process.env before anything else runs: no child process inherits it.
const sessionKey = takeSessionKey(process.env);

// stdout belongs to the protocol: anything else written there would corrupt it.
console.log = console.info = (...args: unknown[]) => console.error(...args);

// The bundle's sibling dist/analysisWorker.js analyses large documents off the main thread.
startServer(createConnection(ProposedFeatures.all), { analysisWorker: path.join(__dirname, 'analysisWorker.js'), ...(sessionKey !== undefined ? { sessionKey } : {}) });
