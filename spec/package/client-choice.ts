/**
 * Which client a fresh app's metrics go to: the one installed; both installed, the new one
 * with one warning, unless PROM_DECORATORS_CLIENT names the other; none, an error naming
 * both installs. Each case runs the CommonJS and the ESM consumer (fixtures/consumer) on the
 * Node of this jest run (CI runs the suite on Node 24 and on Node 20), and the
 * @prometheus-io/client app also on $NODE24 when that names another node binary.
 */
import { realpathSync } from 'node:fs';
import { CLIENT_PACKAGES, runInApp, type ClientPackage } from './support/consumer-apps.js';
import { methodMetricLines } from './support/exposition.js';
import type { PackageUnderTest } from './support/package-under-test.js';
import { BOTH_INSTALLED_WARNING, NO_CLIENT_ERROR_LINE } from './support/library-messages.js';
import { describeFailure, nodeVersion, type Finished } from './support/processes.js';

/** fixtures/consumer/tree-service.cjs after one call that resolved and one that rejected with a RangeError. */
const TREE_SERVICE_LINES = [
  '# HELP method_exceptions_total Errors thrown (or rejected) by instrumented methods, by class, method and error type.',
  '# TYPE method_exceptions_total counter',
  'method_exceptions_total{class="TreeService",method="countTrees",error="RangeError"} 1',
  '# HELP method_in_progress Calls of instrumented methods currently running, by class and method.',
  '# TYPE method_in_progress gauge',
  'method_in_progress{class="TreeService",method="countTrees"} 0',
  '# HELP method_calls_total Completed calls of instrumented methods, by class, method and result (ok or error).',
  '# TYPE method_calls_total counter',
  'method_calls_total{class="TreeService",method="countTrees",result="ok"} 1',
  'method_calls_total{class="TreeService",method="countTrees",result="error"} 1',
];

/** What fixtures/consumer/report-metrics.cjs prints. */
interface ConsumerReport {
  resolved: string;
  classes: string[];
  registers: Record<ClientPackage, string | null>;
  scrape: { url: string; status: number; contentType: string; body: string };
}

const FORMATS = [
  { format: 'CommonJS consumer (require)', program: 'consumer.cjs', build: 'dist/cjs' },
  { format: 'ESM consumer ("type": "module", import)', program: 'consumer.js', build: 'dist/esm' },
] as const;

/** This jest run's node, and $NODE24 when it is another binary: the node binaries the @prometheus-io/client app runs on. */
function nodesForTheNewClient(): { node: string; version: string }[] {
  const nodes = [process.execPath];
  const node24 = process.env.NODE24;
  if (node24 !== undefined && node24 !== '' && realpathSync(node24) !== realpathSync(process.execPath)) nodes.push(node24);
  return nodes.map((node) => ({ node, version: nodeVersion(node) }));
}

function reportOf(result: Finished): ConsumerReport {
  if (result.status !== 0) throw new Error(describeFailure('node', ['<consumer>'], result));
  return JSON.parse(result.stdout) as ConsumerReport;
}

/** The decorators' series in `client`'s register and in a real scrape of exposeMetrics() on loopback, and none in the other client's. */
function expectSeriesIn(report: ConsumerReport, build: string, client: ClientPackage, otherClient: 'installed' | 'absent'): void {
  expect(report.resolved).toBe(`node_modules/prom-decorators/${build}/index.js`);
  expect(report.classes).toEqual(['TreeService']);
  expect(methodMetricLines(report.registers[client])).toEqual(TREE_SERVICE_LINES);
  const other = CLIENT_PACKAGES.find((name) => name !== client)!;
  if (otherClient === 'absent') expect(report.registers[other]).toBeNull();
  else expect(methodMetricLines(report.registers[other])).toEqual([]);
  expect(report.scrape.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  expect([report.scrape.status, report.scrape.contentType]).toEqual([200, 'text/plain; version=0.0.4; charset=utf-8']);
  expect(methodMetricLines(report.scrape.body)).toEqual(TREE_SERVICE_LINES);
  // exposeMetrics() turned on the client's own process metrics in the same register.
  expect(report.scrape.body).toMatch(/^process_cpu_seconds_total \d/m);
}

export function describeClientChoice(subject: PackageUnderTest): void {
  describe.each(FORMATS)('the $format', ({ program, build }) => {
    describe.each(nodesForTheNewClient())('on node $version', ({ node }) => {
      test('with only @prometheus-io/client: the series are in its register and its scrape, and nothing is printed on stderr', async () => {
        const result = await runInApp(subject.apps['@prometheus-io/client'], node, [program]);
        expectSeriesIn(reportOf(result), build, '@prometheus-io/client', 'absent');
        expect(result.stderr).toBe('');
      });
    });

    test('with only prom-client 15: the series are in its register and its scrape, and nothing is printed on stderr', async () => {
      const result = await runInApp(subject.apps['prom-client'], process.execPath, [program]);
      expectSeriesIn(reportOf(result), build, 'prom-client', 'absent');
      expect(result.stderr).toBe('');
    });

    test("with both: the series go to @prometheus-io/client's register, not prom-client's, with the warning once on stderr", async () => {
      const result = await runInApp(subject.apps['both clients'], process.execPath, [program]);
      expectSeriesIn(reportOf(result), build, '@prometheus-io/client', 'installed');
      expect(result.stderr).toBe(`${BOTH_INSTALLED_WARNING}\n`);
    });

    test("with both and PROM_DECORATORS_CLIENT=prom-client: the series go to prom-client's register, without a warning", async () => {
      const result = await runInApp(subject.apps['both clients'], process.execPath, [program], { PROM_DECORATORS_CLIENT: 'prom-client' });
      expectSeriesIn(reportOf(result), build, 'prom-client', 'installed');
      expect(result.stderr).toBe('');
    });

    test('with neither: loading the library fails with the error that names both installs', async () => {
      const result = await runInApp(subject.apps['no client'], process.execPath, [program]);
      expect([result.status, result.stdout]).toEqual([1, '']);
      // Node prints the uncaught error's source line first and its stack after; the message is one line of it.
      expect(result.stderr.split('\n')).toContain(NO_CLIENT_ERROR_LINE);
    });
  });
}
