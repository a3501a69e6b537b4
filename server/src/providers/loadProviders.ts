/**
 * Lazy loaders: a provider's module (and its SDK) is loaded the first time a vault of that
 * provider is used, never at start. In the bundle, each loader is a separate file
 * (dist/providers/*.js, see esbuild.mjs), so an unused provider is not even parsed.
 */
export const loadHashicorp = () => import('./hashicorp/index');
export const loadLocal = () => import('./local/index');
export const loadAws = () => import('./aws/index');
export const loadAzure = () => import('./azure/index');
export const loadGcp = () => import('./gcp/index');
export const loadSecretScan = () => import('../secretScan/index');
