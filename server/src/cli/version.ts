// A literal require() so esbuild inlines package.json into the bundle (an ES import of it would put
// package.json into the server project, which tsc -b rejects: it is outside the project's include).
const packageJson = require('../../../package.json') as { version: string };

/** The version of the `secretrefs` tool, from package.json. */
export const toolVersion: string = packageJson.version;
