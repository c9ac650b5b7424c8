/**
 * Both builds in one process: an ESM app imports dist/esm while its CommonJS dependency
 * (fixtures/legacy-orders) requires dist/cjs. The two copies share one store (lib/store.ts),
 * so they list one set of instrumented classes, write one family per metric to one register,
 * and warn once.
 */
import { runInApp, type ClientPackage } from './support/consumer-apps.js';
import { methodMetricLines } from './support/exposition.js';
import type { PackageUnderTest } from './support/package-under-test.js';
import { BOTH_INSTALLED_WARNING } from './support/library-messages.js';
import { describeFailure, type Finished } from './support/processes.js';

/** What fixtures/consumer/both-copies.js prints. */
interface BothCopiesReport {
  copies: { esm: string; cjs: string };
  distinctCopies: boolean;
  listedByEsmCopy: string[];
  listedByCjsCopy: string[];
  registers: Record<ClientPackage, string | null>;
}

/** One family, one HELP and TYPE, the series of both copies' classes (the dependency's class is defined first: imports run before the importer). */
const BOTH_CLASSES_LINES = [
  '# HELP method_calls_total Completed calls of instrumented methods, by class, method and result (ok or error).',
  '# TYPE method_calls_total counter',
  'method_calls_total{class="OrderService",method="place",result="ok"} 1',
  'method_calls_total{class="OrderService",method="place",result="error"} 0',
  'method_calls_total{class="TreeService",method="countTrees",result="ok"} 1',
  'method_calls_total{class="TreeService",method="countTrees",result="error"} 0',
];

function reportOf(result: Finished): BothCopiesReport {
  if (result.status !== 0) throw new Error(describeFailure('node', ['both-copies.js'], result));
  return JSON.parse(result.stdout) as BothCopiesReport;
}

function expectOneSetOfClasses(report: BothCopiesReport): void {
  expect(report.copies).toEqual({ esm: 'node_modules/prom-decorators/dist/esm/index.js', cjs: 'node_modules/prom-decorators/dist/cjs/index.js' });
  expect(report.distinctCopies).toBe(true);
  expect(report.listedByEsmCopy).toEqual(['OrderService', 'TreeService']);
  expect(report.listedByCjsCopy).toEqual(['OrderService', 'TreeService']);
}

export function describeModuleFormats(subject: PackageUnderTest): void {
  describe('an ESM app whose CommonJS dependency loads the other build', () => {
    test('lists one set of instrumented classes from either copy, in one register', async () => {
      const result = await runInApp(subject.apps['@prometheus-io/client'], process.execPath, ['both-copies.js']);
      const report = reportOf(result);
      expectOneSetOfClasses(report);
      expect(methodMetricLines(report.registers['@prometheus-io/client'])).toEqual(BOTH_CLASSES_LINES);
      expect(result.stderr).toBe('');
    });

    test('with both clients installed, warns once for the two copies', async () => {
      const result = await runInApp(subject.apps['both clients'], process.execPath, ['both-copies.js']);
      const report = reportOf(result);
      expectOneSetOfClasses(report);
      expect(methodMetricLines(report.registers['@prometheus-io/client'])).toEqual(BOTH_CLASSES_LINES);
      expect(methodMetricLines(report.registers['prom-client'])).toEqual([]);
      expect(result.stderr).toBe(`${BOTH_INSTALLED_WARNING}\n`);
    });
  });
}
