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
    expect(loading).toEqual(['client/bridge.ts']);
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
