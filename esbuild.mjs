// Builds the bundles: the VS Code client (vscode external), the language server, the CLI, and one
// file per secret-manager provider, loaded only when a vault of that provider is used.
import { existsSync, readdirSync } from 'node:fs';
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

/**
 * Turns a provider descriptor's `import('./index')` (server/src/providers/<id>/descriptor.ts), and
 * `import('./local/index')` in loadProviders.ts, into a require of dist/providers/<id>.js.
 */
const lazyProviders = {
  name: 'lazy-providers',
  setup(build) {
    build.onResolve({ filter: /^\.\/index$/ }, (args) => {
      const provider = /[\\/]providers[\\/]([^\\/]+)[\\/]descriptor\.ts$/.exec(args.importer)?.[1];
      return provider ? { path: `./providers/${provider}.js`, external: true } : undefined;
    });
    build.onResolve({ filter: /^\.\.?\/[^/]+\/index$/ }, (args) =>
      args.importer.endsWith('loadProviders.ts') ? { path: `./providers/${args.path.split('/').at(-2)}.js`, external: true } : undefined,
    );
  },
};

/** Every folder of server/src/providers with a descriptor is a provider with a bundle of its own. */
const providers = readdirSync('server/src/providers', { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(`server/src/providers/${entry.name}/descriptor.ts`))
  .map((entry) => entry.name);

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
