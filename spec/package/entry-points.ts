/**
 * The package's entry points (issue 14, item 5): the root loads the decorators and the
 * metrics, and none of our servers, adapters, cluster, Pushgateway or generator modules, nor
 * a node builtin the client did not load already; its old exports of those stand in and
 * load their module at the first call; each framework has an entry point of its own.
 * Both builds have the same import graph (spec/architecture.spec.ts checks it on the
 * sources); the CommonJS app lists the modules it loaded, both list the builtins.
 */
import { runInApp } from './support/consumer-apps.js';
import type { PackageUnderTest } from './support/package-under-test.js';
import { describeFailure, type Finished } from './support/processes.js';

/** The modules of dist/cjs that `require('prom-decorators')` and one decorated call load. */
const ROOT_MODULES = ['client/bridge.js', 'client/require-from-library.cjs'];

/** What each entry point exports, by name. */
export const ENTRY_POINT_EXPORTS: Record<string, string[]> = {
  express: ['ABORTED_STATUS_CODE', 'HTTP_METRIC_NAMES', 'HttpMetricsOptionsError', 'UNMATCHED_ROUTE', 'expressHttpMetrics', 'expressMetrics', 'httpMetrics', 'metricsHandler'],
  koa: ['ABORTED_STATUS_CODE', 'HTTP_METRIC_NAMES', 'HttpMetricsOptionsError', 'UNMATCHED_ROUTE', 'koaHttpMetrics', 'koaMetrics'],
  fastify: ['ABORTED_STATUS_CODE', 'HTTP_METRIC_NAMES', 'HttpMetricsOptionsError', 'UNMATCHED_ROUTE', 'fastifyHttpMetrics', 'fastifyMetrics'],
  'node-http': ['ABORTED_STATUS_CODE', 'HTTP_METRIC_NAMES', 'HttpMetricsOptionsError', 'UNMATCHED_ROUTE', 'exposeMetrics', 'metricsHandler', 'nodeHttpMetrics', 'nodeMetrics', 'withHttpMetrics'],
  cluster: ['clusterWorkerMetrics'],
  pushgateway: ['pushMetrics'],
  generate: ['formatRules', 'generateDashboard', 'generateRules'],
  hono: ['ABORTED_STATUS_CODE', 'HTTP_METRIC_NAMES', 'HttpMetricsOptionsError', 'UNMATCHED_ROUTE', 'honoHttpMetrics', 'honoMetrics'],
};

/** The consumer apps have no Nest: prom-decorators/nestjs fails to load, naming the missing peer (spec/nestjs has the real apps). */
const WITHOUT_NEST = { commonjs: 'MODULE_NOT_FOUND @nestjs/core', esm: 'ERR_MODULE_NOT_FOUND @nestjs/core' };

interface EntryReport {
  rootModules?: string[];
  rootBuiltinsBeyondClient: string[];
  afterHttpMetrics: { type: string; loaded?: string[]; builtins?: string[] };
  fastifyPluginFlags?: unknown[];
  scrape?: { status: number; hasTreeService: boolean };
  entries: Record<string, string[] | string>;
}

function reportOf(program: string, result: Finished): EntryReport {
  if (result.status !== 0) throw new Error(describeFailure('node', [program], result));
  return JSON.parse(result.stdout) as EntryReport;
}

export function describeEntryPoints(subject: PackageUnderTest): void {
  describe('entry points', () => {
    test('CommonJS: the root loads no server, adapter, cluster, Pushgateway or generator module, and no builtin beyond the client but node:module', async () => {
      const report = reportOf('entry-points.cjs', await runInApp(subject.apps['@prometheus-io/client'], process.execPath, ['entry-points.cjs', '@prometheus-io/client']));
      const unexpected = report.rootModules!.filter((file) => /^(http-metrics\/(?!options|errors)|generate\/|nestjs\/|exposition\/(?!negotiate))|^entries\/(?!lazy-root)/.test(file));
      expect(unexpected).toEqual([]);
      expect(report.rootModules).toEqual(expect.arrayContaining([...ROOT_MODULES, 'index.js', 'entries/lazy-root.js', 'core/wrap.js', 'decorators/counted.js']));
      // node:module is the bridge's createRequire (finding the app's client), the one builtin the client does not load itself.
      expect(report.rootBuiltinsBeyondClient).toEqual(['module']);
      expect(report.afterHttpMetrics.type).toBe('function');
      expect(report.afterHttpMetrics.loaded).toEqual(expect.arrayContaining(['http-metrics/express.js', 'http-metrics/recorder.js']));
      expect(report.afterHttpMetrics.loaded!.filter((file) => /^(generate|nestjs)\/|^exposition\/cluster/.test(file))).toEqual([]);
      expect(report.fastifyPluginFlags).toEqual([true, 'prom-decorators-http-metrics']);
      expect(report.entries).toEqual({ ...ENTRY_POINT_EXPORTS, nestjs: WITHOUT_NEST.commonjs });
    });

    test('ESM: the same builtins, stand-ins that work (a real scrape through the root exposeMetrics), the same entry points', async () => {
      const report = reportOf('entry-points.js', await runInApp(subject.apps['@prometheus-io/client'], process.execPath, ['entry-points.js', '@prometheus-io/client']));
      // The same builtin as in CommonJS: the bridge's node:module.
      expect(report.rootBuiltinsBeyondClient).toEqual(['module']);
      expect(report.afterHttpMetrics.type).toBe('function');
      expect(report.scrape).toEqual({ status: 200, hasTreeService: true });
      expect(report.entries).toEqual({ ...ENTRY_POINT_EXPORTS, nestjs: WITHOUT_NEST.esm });
    });
  });
}
