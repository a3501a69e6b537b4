// Builds the bundles: the VS Code client (vscode external), the language server, the CLI, and one
// file per secret-manager provider, loaded only when a vault of that provider is used.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

/** Turns `import('./hashicorp/index')` in loadProviders.ts into a require of dist/providers/hashicorp.js. */
const lazyProviders = {
  name: 'lazy-providers',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\/(hashicorp|local|aws|azure|gcp|secretScan)\/index$/ }, (args) =>
      args.importer.endsWith('loadProviders.ts') ? { path: `./providers/${args.path.split('/').at(-2)}.js`, external: true } : undefined,
    );
  },
};

const providers = ['hashicorp', 'local', 'aws', 'azure', 'gcp'];

await Promise.all([
  esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  esbuild.build({ ...common, entryPoints: ['server/src/main.ts'], outfile: 'dist/server.js', banner: { js: '#!/usr/bin/env node' }, plugins: [lazyProviders] }),
  esbuild.build({ ...common, entryPoints: ['server/src/analysisWorker.ts'], outfile: 'dist/analysisWorker.js' }),
  esbuild.build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, plugins: [lazyProviders] }),
  ...providers.map((name) =>
    esbuild.build({ ...common, entryPoints: [`server/src/providers/${name}/index.ts`], outfile: `dist/providers/${name}.js` }),
  ),
  esbuild.build({ ...common, entryPoints: ['server/src/secretScan/index.ts'], outfile: 'dist/providers/secretScan.js' }),
]);
