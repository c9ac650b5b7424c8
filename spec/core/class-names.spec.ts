import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { transformSync } from '@swc/core';
import ts from 'typescript';
import { compiledTree } from '../support/compiled-tree.js';

const run = promisify(execFile);
const FIXTURE = join(__dirname, 'fixtures/class-names.ts');
const LIBRARY_IMPORT = '../../../lib/index.js';
const CHILD_LIMIT_MS = 30_000;

let tree: string;
let scratch: string;

// The fixture runs in plain node, compiled as each compiler emits it, against the library
// compiled for this jest run: the decorators see exactly the class definition each compiler makes.
beforeAll(async () => {
  tree = await compiledTree();
  scratch = mkdtempSync(join(tmpdir(), 'prom-decorators-class-names-'));
}, 120_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The fixture's source, importing the compiled library by its absolute path. */
function source(): string {
  return readFileSync(FIXTURE, 'utf8').replace(JSON.stringify(LIBRARY_IMPORT).slice(1, -1), join(tree, 'lib/index.js'));
}

type Standard = 'legacy' | 'standard';

function tsc(standard: Standard): string {
  const compilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, experimentalDecorators: standard === 'legacy', emitDecoratorMetadata: standard === 'legacy' };
  return ts.transpileModule(source(), { compilerOptions, fileName: 'class-names.ts' }).outputText;
}

function swc(decorators: 'legacy' | '2022-03' | '2023-11'): string {
  const transform = decorators === 'legacy' ? { legacyDecorator: true, decoratorMetadata: true } : { decoratorVersion: decorators };
  return transformSync(source(), { filename: 'class-names.ts', jsc: { parser: { syntax: 'typescript', decorators: true }, target: 'es2022', transform }, module: { type: 'commonjs' } }).code;
}

interface Labels {
  beforeCalls: string[];
  afterCalls: string[];
  listed: string[];
}

async function runCompiled(name: string, code: string): Promise<Labels> {
  const file = join(scratch, `${name}.js`);
  writeFileSync(file, code);
  const { stdout } = await run(process.execPath, [file], { timeout: CHILD_LIMIT_MS });
  return JSON.parse(stdout) as Labels;
}

/** tsx itself (esbuild, with its keepNames), on the TypeScript source, told the decorator standard by a tsconfig. */
async function runTsx(standard: Standard): Promise<Labels> {
  const file = join(scratch, `tsx-${standard}.ts`);
  const tsconfig = join(scratch, `tsconfig.${standard}.json`);
  writeFileSync(file, source());
  writeFileSync(tsconfig, JSON.stringify({ compilerOptions: { target: 'ES2022', experimentalDecorators: standard === 'legacy', emitDecoratorMetadata: standard === 'legacy' } }));
  const { stdout } = await run(process.execPath, [require.resolve('tsx/cli'), file], { timeout: CHILD_LIMIT_MS, env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig } });
  return JSON.parse(stdout) as Labels;
}

const compilers: { compiler: string; labels: () => Promise<Labels> }[] = [
  { compiler: 'tsc, experimentalDecorators', labels: () => runCompiled('tsc-legacy', tsc('legacy')) },
  { compiler: 'tsc, standard decorators', labels: () => runCompiled('tsc-standard', tsc('standard')) },
  { compiler: 'tsx (esbuild), experimentalDecorators', labels: () => runTsx('legacy') },
  { compiler: 'tsx (esbuild), standard decorators', labels: () => runTsx('standard') },
  { compiler: 'swc, legacyDecorator', labels: () => runCompiled('swc-legacy', swc('legacy')) },
  { compiler: 'swc, decoratorVersion 2022-03', labels: () => runCompiled('swc-2022-03', swc('2022-03')) },
  { compiler: 'swc, decoratorVersion 2023-11', labels: () => runCompiled('swc-2023-11', swc('2023-11')) },
];

describe('the class label is the real class name whatever compiled the decorators (issue 12, item 16)', () => {
  test.each(compilers)('$compiler: the exposition and listInstrumented() both say Inventory', async ({ labels }) => {
    // Before: under tsx with standard decorators the static method was labelled class="_Inventory"
    // (esbuild names the class only after its static initializers), while listInstrumented() said Inventory.
    const { beforeCalls, afterCalls, listed } = await labels();
    expect({ afterCalls, listed }).toEqual({ afterCalls: ['Inventory.count', 'Inventory.open'], listed: ['Inventory.count', 'Inventory.open'] });
    // Before any call: the static method's series exist; the instance method's once an instance does (standard decorators).
    expect(beforeCalls).toContain('Inventory.open');
    expect(beforeCalls.every((place) => afterCalls.includes(place))).toBe(true);
  }, 60_000);
});
