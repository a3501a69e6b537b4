import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { startServer } from './server';

// stdout belongs to the protocol: anything else written there would corrupt it.
console.log = console.info = (...args: unknown[]) => console.error(...args);

startServer(createConnection(ProposedFeatures.all));
