import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';

/** The layering rules of lib/ (see the README's "Where the code lives"), checked on the sources themselves. */

const LIB = join(__dirname, '..', 'lib');

function sourcesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourcesUnder(path);
    return /\.c?ts$/.test(entry.name) ? [path] : [];
  });
}

/** Every file of lib/ as "core/wrap.ts", with its source less its comments (doc examples import packages too). */
const FILES = sourcesUnder(LIB).map((path) => ({
  file: relative(LIB, path).split(sep).join('/'),
  source: readFileSync(path, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, ''),
}));

/** The lib/ files a file imports (as "metrics/series.ts"), and the packages it names. */
function importsOf(file: string, source: string): { local: string[]; packages: string[] } {
  const specifiers = [...source.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((match) => match[1]);
  const local = specifiers.filter((specifier) => specifier.startsWith('.')).map((specifier) => posix.join(posix.dirname(file), specifier).replace(/\.c?js$/, (ending) => (ending === '.cjs' ? '.cts' : '.ts')));
  return { local, packages: specifiers.filter((specifier) => !specifier.startsWith('.')) };
}

function violations(rule: (file: string, imported: string) => boolean): string[] {
  return FILES.flatMap(({ file, source }) => importsOf(file, source).local.filter((imported) => rule(file, imported)).map((imported) => `${file} imports ${imported}`));
}

describe('layers depend in one direction (issue 11)', () => {
  test('the sources were found', () => {
    expect(FILES.length).toBeGreaterThan(50);
    expect(importsOf('core/instrumentation.ts', FILES.find(({ file }) => file === 'core/instrumentation.ts')!.source).local).toContain('metrics/series.ts');
  });

  test('core knows the metric families only through metrics/series.ts', () => {
    expect(violations((file, imported) => file.startsWith('core/') && imported.startsWith('metrics/') && imported !== 'metrics/series.ts')).toEqual([]);
  });

  test('metrics/ depends on nothing above it: no decorators, core, HTTP metrics or exposition', () => {
    expect(violations((file, imported) => file.startsWith('metrics/') && /^(decorators|core|http-metrics|exposition)\//.test(imported))).toEqual([]);
  });

  test('the HTTP metrics load no decorator or core code', () => {
    expect(violations((file, imported) => file.startsWith('http-metrics/') && /^(decorators|core)\//.test(imported))).toEqual([]);
  });

  test('only the client bridge names a Prometheus client package', () => {
    const naming = FILES.filter(({ file, source }) => importsOf(file, source).packages.some((name) => name === 'prom-client' || name === '@prometheus-io/client')).map(({ file }) => file);
    expect(naming).toEqual([]);
    const loading = FILES.filter(({ source }) => /requireFromLibrary\(/.test(source)).map(({ file }) => file);
    // The root's stand-ins load our own modules with it (entries/lazy-root.ts); the one other package is the optional @opentelemetry/api.
    expect(loading).toEqual(['client/bridge.ts', 'entries/lazy-root.ts', 'exemplars/active-trace.ts']);
    const lazyRoot = FILES.find(({ file }) => file === 'entries/lazy-root.ts')!.source;
    expect([...lazyRoot.matchAll(/onFirstUse<\w+>\('([^']+)'\)/g)].every(([, path]) => path.startsWith('../'))).toBe(true);
  });

  test('every metric the library registers goes through metrics/registration.ts', () => {
    const registering = FILES.filter(({ source }) => /\bregisterIn\(|\.registerMetric\(|\bunregisterFrom\(/.test(source)).map(({ file }) => file);
    expect(registering.sort()).toEqual(['client/bridge.ts', 'metrics/registration.ts']);
  });

  test('warnings go through log.ts: no console outside it, the CLI and the generators', () => {
    const printing = FILES.filter(({ file, source }) => /\bconsole\./.test(source) && file !== 'log.ts' && file !== 'cli.ts' && !file.startsWith('generate/')).map(({ file }) => file);
    expect(printing).toEqual([]);
  });
});

/** The lib/ files a file loads at run time: its imports and re-exports less the type-only ones (and less `typeof import()` type queries). */
function runtimeImportsOf(file: string, source: string): string[] {
  const statements = [...source.matchAll(/^(?:import|export)\s+(?!type\b)([^;]*?)\s*from\s*'([^']+)'|^import\s+'([^']+)'/gm)];
  return statements
    .filter(([, clause]) => clause === undefined || !/^\{[^}]*\}$/.test(clause.trim()) || clause.replace(/[{}\s]/g, '').split(',').some((name) => name !== '' && !name.startsWith('type')))
    .map(([, , from, bare]) => from ?? bare)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => posix.join(posix.dirname(file), specifier).replace(/\.c?js$/, (ending) => (ending === '.cjs' ? '.cts' : '.ts')));
}

describe('the root entry point loads the decorators, not the servers (issue 14, item 5)', () => {
  test('nothing index.ts loads, however indirectly, is a server, adapter, cluster, Pushgateway, generator or Nest module', () => {
    const sources = new Map(FILES.map(({ file, source }) => [file, source]));
    const loaded = new Set<string>();
    const pending = ['index.ts'];
    while (pending.length > 0) {
      const file = pending.pop()!;
      if (loaded.has(file) || !sources.has(file)) continue;
      loaded.add(file);
      pending.push(...runtimeImportsOf(file, sources.get(file)!));
    }
    expect(loaded.has('entries/lazy-root.ts')).toBe(true);
    expect(loaded.has('core/wrap.ts')).toBe(true);
    const heavy = [...loaded].filter((file) => /^(http-metrics\/(?!options|errors)|generate\/|nestjs\/|exposition\/(?!negotiate))|^entries\/(?!lazy-root)/.test(file)).sort();
    expect(heavy).toEqual([]);
  });
});

