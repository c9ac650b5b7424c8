import Module, { builtinModules } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * One fresh process of the startup benchmark (bench/groups/startup.ts starts it):
 * `require`s or `import`s one entry point, times it, and prints one JSON line. For a
 * require it also lists what the load pulled in: modules under `--ours=DIR`, packages,
 * and the node builtins each side asked for.
 *
 *   node startup-probe.js require|import <file or package> [--ours=DIR]
 */

interface ModuleInternals {
  _load(request: string, parent: { filename?: string } | undefined, isMain: boolean): unknown;
}

const BUILTINS = new Set(builtinModules);
const isBuiltin = (request: string) => request.startsWith('node:') || BUILTINS.has(request);

async function main(): Promise<void> {
  const [mode, target] = process.argv.slice(2);
  const oursArgument = process.argv.find((arg) => arg.startsWith('--ours='));
  const oursDir = oursArgument === undefined ? undefined : path.resolve(oursArgument.slice('--ours='.length));
  const isFile = target.startsWith('/') || target.startsWith('.');
  const resolved = isFile ? path.resolve(target) : require.resolve(target);
  const builtinsByOurs = new Set<string>();
  const builtinsByOthers = new Set<string>();
  let restore: (() => void) | undefined;
  if (mode === 'require') {
    // Module._load is where every CommonJS require passes: the one place to see who asks for which builtin.
    const internals = Module as unknown as ModuleInternals;
    const load = internals._load;
    internals._load = function (request, parent, isMain) {
      if (isBuiltin(request)) {
        const name = request.replace(/^node:/, '');
        const byOurs = oursDir !== undefined && parent?.filename?.startsWith(oursDir + path.sep) === true;
        (byOurs ? builtinsByOurs : builtinsByOthers).add(name);
      }
      return load.call(this, request, parent, isMain);
    };
    restore = () => {
      internals._load = load;
    };
  }
  const requireHere = Module.createRequire(__filename);
  const start = process.hrtime.bigint();
  if (mode === 'require') requireHere(resolved);
  // A package by its name, so its own `import` condition (if any) decides what loads.
  else if (mode === 'import') await import(isFile ? pathToFileURL(resolved).href : target);
  else throw new Error(`unknown mode ${mode}`);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  restore?.();
  const loaded = Object.keys(require.cache);
  const packages = new Set<string>();
  for (const file of loaded) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
    if (match !== null) packages.add(match[1]);
  }
  const ourModules = oursDir === undefined ? [] : loaded.filter((file) => file.startsWith(oursDir + path.sep)).map((file) => path.relative(oursDir, file));
  process.stdout.write(
    `${JSON.stringify({ ms, ourModules: ourModules.sort(), packages: [...packages].sort(), builtinsByOurs: [...builtinsByOurs].sort(), builtinsByOthers: [...builtinsByOthers].sort() })}\n`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
