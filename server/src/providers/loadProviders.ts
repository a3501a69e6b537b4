/**
 * Lazy loaders outside the providers' descriptors: the local vault's commands for the CLI, and
 * secretlint. Each is a separate file in the bundle (dist/providers/*.js, see esbuild.mjs), loaded
 * the first time it is needed, never at start. A provider itself is loaded by its descriptor's
 * server part (`<id>/descriptor.ts`, `import('./index')`).
 */
export const loadLocal = () => import('./local/index');
export const loadSecretScan = () => import('../secretScan/index');
