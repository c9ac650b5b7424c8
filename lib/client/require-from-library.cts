/**
 * CommonJS `require`, resolving from the library's own folder, for both builds: the ESM
 * build has no `require` and the CommonJS build no `import.meta`, so this one file is
 * CommonJS in both (a .cts compiles to .cjs). From inside node_modules/prom-decorators it
 * finds the app's own Prometheus client, as a peer dependency should.
 */
export const requireFromLibrary: NodeJS.Require = require;
