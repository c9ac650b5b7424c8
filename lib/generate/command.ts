/**
 * `prom-decorators dashboard|rules <module...>`: loads the modules that define the
 * instrumented classes, then prints the generated dashboard JSON or rule file YAML.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { instrumentedMethodsOf, listInstrumented, type InstrumentedClass } from '../metadata.js';
import { generateDashboard } from './dashboard.js';
import { formatRules, generateRules } from './rules.js';

export const USAGE = `Usage:
  prom-decorators dashboard <module...> [--title T] [--uid U] [--matcher job=api] [--out file.json]
  prom-decorators rules <module...> [--error-ratio 0.05] [--latency-p95 1] [--not-called-for 3600]
                                    [--for 5m] [--window 5m] [--matcher job=api] [--out file.yml]

<module> is a JavaScript file (compiled; CommonJS or ESM, top-level await allowed) that defines or
imports the decorated classes.
Loading it must not start servers: keep those in your entry point.`;

export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  /** Loads a module by absolute path. Default: `import()`, which takes CommonJS and ES modules alike. */
  load?: (path: string) => unknown;
}

/** Runs the command; returns the process exit code (0 ok, 1 failure, 2 usage). */
export async function runCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        title: { type: 'string' },
        uid: { type: 'string' },
        matcher: { type: 'string', multiple: true },
        out: { type: 'string', short: 'o' },
        'error-ratio': { type: 'string' },
        'latency-p95': { type: 'string' },
        'not-called-for': { type: 'string' },
        for: { type: 'string' },
        window: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [what, ...modules] = positionals;
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if ((what !== 'dashboard' && what !== 'rules') || modules.length === 0) {
    io.stderr(`${USAGE}\n`);
    return 2;
  }
  try {
    const matchers = parseMatchers(values.matcher ?? []);
    const classes = await loadInstrumented(modules.map((module) => resolve(io.cwd, module)), io.load ?? importModule);
    if (classes.length === 0) {
      io.stderr(`prom-decorators: no instrumented class found in ${modules.join(', ')}: does the module define or import the decorated classes?\n`);
      return 1;
    }
    const text =
      what === 'dashboard'
        ? `${JSON.stringify(generateDashboard({ classes, matchers, title: values.title, uid: values.uid }), null, 2)}\n`
        : formatRules(
            generateRules({
              classes,
              matchers,
              errorRatio: numberOption(values['error-ratio'], '--error-ratio'),
              latencyP95Seconds: numberOption(values['latency-p95'], '--latency-p95'),
              notCalledForSeconds: numberOption(values['not-called-for'], '--not-called-for'),
              for: values.for,
              window: values.window,
            }),
          );
    if (values.out !== undefined) writeFileSync(resolve(io.cwd, values.out), text);
    else io.stdout(text);
    return 0;
  } catch (error) {
    io.stderr(`prom-decorators: ${(error as Error).message ?? String(error)}\n`);
    return 1;
  }
}

/**
 * Every class instrumented once the modules are loaded. Also picks up decorated classes
 * the modules export when they were decorated by another copy of the library (a project
 * that imports its source while the CLI runs from the build): the specs live in
 * reflect-metadata, which every copy shares.
 */
export async function loadInstrumented(paths: readonly string[], load: (path: string) => unknown): Promise<InstrumentedClass[]> {
  const exported: unknown[] = [];
  for (const path of paths) {
    const loaded = await load(path);
    if (loaded === null || typeof loaded !== 'object') continue;
    exported.push(...Object.values(loaded));
    // import() of a CommonJS module: its module.exports is the namespace's default.
    const { default: commonJsExports } = loaded as { default?: unknown };
    if (commonJsExports !== null && typeof commonJsExports === 'object') exported.push(...Object.values(commonJsExports));
  }
  const classes = listInstrumented();
  const known = new Set<unknown>(classes.map((owner) => owner.target));
  for (const candidate of exported) {
    if (typeof candidate !== 'function' || known.has(candidate)) continue;
    const methods = instrumentedMethodsOf(candidate);
    if (methods.length === 0) continue;
    known.add(candidate);
    classes.push({ className: candidate.name, target: candidate as InstrumentedClass['target'], methods });
  }
  return classes;
}

/**
 * `import()` rather than `require()`: an ESM entry, with or without top-level await, cannot
 * be required. The build keeps it a real dynamic import in CommonJS too (module nodenext).
 */
function importModule(path: string): Promise<unknown> {
  return import(pathToFileURL(path).href);
}

function parseMatchers(pairs: readonly string[]): Record<string, string> {
  const matchers: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--matcher ${pair}: expected label=value, e.g. --matcher job=api`);
    matchers[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return matchers;
}

function numberOption(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${flag} ${text}: expected a non-negative number`);
  return value;
}
