/**
 * The README's Quickstart, run as written (support/readme-quickstart.ts reads its blocks):
 * its shell commands from an empty folder, with two substitutions only, the packed tarball
 * for `prom-decorators` (not published from this checkout) and a free port for 8001 (another
 * program may hold it). Then the published declarations are type-checked by the TypeScript 7
 * the Quickstart installed, with skipLibCheck off, from an ES module and from CommonJS.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { freePort } from '../exposition/processes.js';
import { requireBinary } from '../support/binaries.js';
import type { PackageUnderTest } from './support/package-under-test.js';
import { consumerEnvironment, describeFailure, mustRun, nodeMajor, nodeVersion, run, startService } from './support/processes.js';
import { commandsOf, readQuickstart, replaceOnce, type QuickstartBlock } from './support/readme-quickstart.js';

/** The Quickstart is for Node 24: this jest run's node when it is 22 or later, else $NODE24 when set, else this one anyway (the title says which). */
function quickstartNode(): string {
  if (nodeMajor(process.execPath) >= 22) return process.execPath;
  const node24 = process.env.NODE24;
  return node24 !== undefined && node24 !== '' ? node24 : process.execPath;
}

/**
 * A file of the consumer's own, type-checked next to src/main.ts. The @ts-expect-error proves
 * the declarations were found and are real types: were 'prom-decorators' unresolved (any), the
 * wrong bucket would compile and the unused directive would fail the check.
 */
function declarationsCheck(format: string): string {
  return `// ${format}
import { Counted, Timed, exposeMetrics, listInstrumented, type ExposedMetrics, type InstrumentedClass } from 'prom-decorators';

export class Checkout {
  @Counted() @Timed({ buckets: [0.1, 1] })
  pay(amount: number): number {
    return amount;
  }

  // @ts-expect-error: buckets are numbers
  @Timed({ buckets: ['fast'] })
  refund(): void {}
}

export const classes: InstrumentedClass[] = listInstrumented();
export const start = (): Promise<ExposedMetrics> => exposeMetrics(0, { host: '127.0.0.1' });
`;
}

export function describeReadmeQuickstart(subject: PackageUnderTest): void {
  const node = quickstartNode();

  describe(`the README's Quickstart, run as written on node ${nodeVersion(node)}`, () => {
    let blocks: Record<QuickstartBlock, string>;
    let project: string;
    let port: number;
    let environment: NodeJS.ProcessEnv;

    beforeAll(async () => {
      blocks = readQuickstart();
      port = await freePort();
      const folder = join(subject.workDir, 'quickstart');
      mkdirSync(folder);
      // npm's settings for every npm command of the block, so the commands themselves stay as written.
      environment = consumerEnvironment(node, { npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' });
      const setup = replaceOnce(blocks.setup, 'npm install prom-decorators ', `npm install '${subject.packed.tarball}' `, 'the Quickstart\'s "setup" block');
      const created = /^mkdir (\S+) && cd \1$/.exec(commandsOf(setup)[0]);
      if (created === null) throw new Error(`the Quickstart's "setup" block must start with \`mkdir <folder> && cd <folder>\`, not \`${commandsOf(setup)[0]}\``);
      project = join(folder, created[1]);
      // One shell for the block, so its `cd` holds for the commands after it; -e stops at the first failure.
      await mustRun('sh', ['-e', '-c', setup], { cwd: folder, env: environment, timeoutMs: 300_000 });
      const files: [string, string][] = [
        ['tsconfig.json', blocks['tsconfig.json']],
        ['src/main.ts', replaceOnce(blocks['src/main.ts'], 'exposeMetrics(8001)', `exposeMetrics(${port})`, "the Quickstart's src/main.ts")],
        ['prometheus.yml', blocks['prometheus.yml']],
      ];
      for (const [path, text] of files) {
        mkdirSync(dirname(join(project, path)), { recursive: true });
        writeFileSync(join(project, path), text);
      }
    }, 330_000);

    test('makes an ES module project on @prometheus-io/client and the packed library, with TypeScript 7', async () => {
      const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { type: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };
      expect(manifest.type).toBe('module');
      expect(Object.keys(manifest.dependencies).sort()).toEqual(['@prometheus-io/client', 'prom-decorators']);
      expect(manifest.dependencies['prom-decorators']).toMatch(/^file:.*prom-decorators-\d+\.\d+\.\d+\.tgz$/);
      expect(Object.keys(manifest.devDependencies).sort()).toEqual(['@types/node', 'typescript']);
      expect(await mustRun('npx', ['tsc', '--version'], { cwd: project, env: environment, timeoutMs: 30_000 })).toMatch(/^Version 7\.\d+\.\d+\n$/);
    });

    test('compiles, starts, and serves the lines the README shows to its curl', async () => {
      const commands = commandsOf(blocks.run);
      // Every command of the "run" block but the last runs to its end (the compile); the last one is the service.
      for (const command of commands.slice(0, -1)) await mustRun('sh', ['-c', command], { cwd: project, env: environment, timeoutMs: 120_000 });
      const service = startService('sh', ['-c', commands[commands.length - 1]], { cwd: project, env: environment });
      try {
        const printed = await service.waitForOutput('\n', 30_000);
        expect(printed).toBe(`metrics on http://localhost:${port}/metrics\n`);
        const [curl, ...others] = commandsOf(blocks.scrape);
        expect(others).toEqual([]);
        const scraped = (await mustRun('sh', ['-c', replaceOnce(curl, 'localhost:8001', `localhost:${port}`, 'the Quickstart\'s "scrape" block')], { cwd: project, env: environment, timeoutMs: 30_000 })).split('\n');
        const shown = blocks['scraped lines'].split('\n').filter((line) => line !== '');
        expect(shown.length).toBeGreaterThan(0);
        expect(shown.filter((line) => !scraped.includes(line))).toEqual([]);
        expect(scraped.find((line) => line.startsWith('method_last_called_timestamp_seconds{class="TreeService",method="countTrees"} '))).toMatch(/ \d{10}(\.\d+)?$/);
        expect(service.errors()).toBe('');
      } finally {
        await service.stop();
      }
    }, 180_000);

    test("its prometheus.yml passes promtool check config and scrapes main.ts's port", async () => {
      const result = await run(requireBinary('promtool'), ['check', 'config', 'prometheus.yml'], { cwd: project, env: environment, timeoutMs: 30_000 });
      if (result.status !== 0) throw new Error(describeFailure('promtool', ['check', 'config', 'prometheus.yml'], result));
      expect(result.stdout).toBe('Checking prometheus.yml\n SUCCESS: prometheus.yml is valid prometheus config file syntax\n\n');
      const config = parse(blocks['prometheus.yml']) as { scrape_configs: { static_configs: { targets: string[] }[] }[] };
      expect(config.scrape_configs.flatMap((job) => job.static_configs.flatMap((group) => group.targets))).toEqual(['localhost:8001']);
      expect(blocks['src/main.ts']).toContain('exposeMetrics(8001)');
    });

    test('the published declarations type-check under its TypeScript 7 with skipLibCheck off, from an ES module and from CommonJS', async () => {
      // A .cts file is CommonJS even in a "type": "module" project: its import takes the "require" branch (dist/cjs).
      writeFileSync(join(project, 'src/declarations-esm.ts'), declarationsCheck('An ES module: resolves through the "import" branch of exports (dist/esm).'));
      writeFileSync(join(project, 'src/declarations-commonjs.cts'), declarationsCheck('CommonJS: resolves through the "require" branch of exports (dist/cjs).'));
      const args = ['tsc', '--noEmit', '--skipLibCheck', 'false', '--listFiles'];
      const result = await run('npx', args, { cwd: project, env: environment, timeoutMs: 120_000 });
      if (result.status !== 0) throw new Error(describeFailure('npx', args, result));
      const checked = result.stdout.split('\n');
      for (const build of ['esm', 'cjs']) expect(checked).toContain(join(project, `node_modules/prom-decorators/dist/${build}/index.d.ts`));
      expect(checked).toContain(join(project, 'node_modules/@types/node/index.d.ts'));
    }, 180_000);
  });
}
