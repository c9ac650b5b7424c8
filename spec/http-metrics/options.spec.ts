import Fastify from 'fastify';
import { Counter, Registry } from '../support/prometheus-client.js';
import { HttpMetricsOptionsError } from '../../lib/http-metrics/errors.js';
import { httpMetrics } from '../../lib/http-metrics/express.js';
import { fastifyHttpMetrics } from '../../lib/http-metrics/fastify.js';
import { koaHttpMetrics } from '../../lib/http-metrics/koa.js';
import { withHttpMetrics } from '../../lib/http-metrics/node-http.js';

/** Mistakes in the options throw when the middleware is created, naming the adapter, the option and the fix. */
describe('HTTP metrics options', () => {
  const message = (create: () => unknown): string => {
    try {
      create();
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('expected a throw');
  };

  test('bad buckets, paths, methods, caps and labels are named with their fix', () => {
    const registry = new Registry();
    expect(message(() => httpMetrics({ registry, buckets: [1, 0.5] }))).toMatchInlineSnapshot(
      `"httpMetrics(): option "buckets": buckets must be sorted in increasing order without repeats (1 then 0.5). Pass increasing upper bounds in seconds, e.g. [0.01, 0.1, 1]"`,
    );
    expect(message(() => koaHttpMetrics({ registry, metricsPath: 'metrics' }))).toMatchInlineSnapshot(
      `"koaHttpMetrics(): option "metricsPath": "metrics" is not a path. Pass a path such as '/metrics', or false to count every path"`,
    );
    expect(message(() => httpMetrics({ registry, skipMethods: 'OPTIONS' as never }))).toMatchInlineSnapshot(
      `"httpMetrics(): option "skipMethods": skipMethods must be an array of method names. Pass e.g. ['OPTIONS', 'HEAD']"`,
    );
    expect(message(() => httpMetrics({ registry, maxSeries: 0 }))).toMatchInlineSnapshot(
      `"httpMetrics(): option "maxSeries": 0 is not a positive integer. Pass e.g. { maxSeries: 5000 }"`,
    );
    expect(message(() => httpMetrics({ registry, labelNames: ['route'], labelsFrom: () => ({ route: 'x' }) }))).toMatchInlineSnapshot(
      `"httpMetrics(): option "labelNames": label "route" is already set by the HTTP metrics. Give the label another name"`,
    );
    expect(message(() => httpMetrics({ registry, labelNames: ['tenant-id'], labelsFrom: () => ({ 'tenant-id': 'x' }) }))).toMatchInlineSnapshot(
      `"httpMetrics(): option "labelNames": label name "tenant-id" is invalid (it must match [a-zA-Z_][a-zA-Z0-9_]*). Rename the label"`,
    );
    expect(message(() => httpMetrics({ registry, labelNames: ['tenant'] }))).toMatchInlineSnapshot(
      `"httpMetrics(): option "labelsFrom": labelNames needs a labelsFrom function that computes them. Pass { labelNames: ['tenant'], labelsFrom: (...) => ({ tenant: '...' }) }"`,
    );
    expect(message(() => httpMetrics({ registry, labelsFrom: () => ({}) }))).toMatchInlineSnapshot(
      `"httpMetrics(): option "labelNames": labelsFrom needs the names of the labels it computes in labelNames. Pass { labelNames: ['tenant'], labelsFrom: (...) => ({ tenant: '...' }) }"`,
    );
    expect(message(() => httpMetrics({ registry, responseSize: { buckets: [] } }))).toMatchInlineSnapshot(
      `"httpMetrics(): option "responseSize": buckets must be a non-empty array of numbers. Pass { buckets: [1000, 100000, ...] } in bytes, or true"`,
    );
  });

  test('negative or non-finite buckets, and buckets with no finite bound, are refused for both histograms', () => {
    const registry = new Registry();
    expect(message(() => httpMetrics({ registry, buckets: [-1, 1] }))).toMatchInlineSnapshot(
      `"httpMetrics(): option "buckets": bucket -1 is negative (bounds must be 0 or more). Pass increasing upper bounds in seconds, e.g. [0.01, 0.1, 1]"`,
    );
    expect(message(() => httpMetrics({ registry, buckets: [-Infinity, 1] }))).toMatchInlineSnapshot(
      `"httpMetrics(): option "buckets": bucket -Infinity is negative (bounds must be 0 or more). Pass increasing upper bounds in seconds, e.g. [0.01, 0.1, 1]"`,
    );
    expect(message(() => httpMetrics({ registry, buckets: [Infinity] }))).toMatchInlineSnapshot(
      `"httpMetrics(): option "buckets": buckets [Infinity] have no finite bound (+Inf is always there). Pass increasing upper bounds in seconds, e.g. [0.01, 0.1, 1]"`,
    );
    expect(message(() => koaHttpMetrics({ registry, responseSize: { buckets: [-100, 1000] } }))).toMatchInlineSnapshot(
      `"koaHttpMetrics(): option "responseSize": bucket -100 is negative (bounds must be 0 or more). Pass { buckets: [1000, 100000, ...] } in bytes, or true"`,
    );
    expect(message(() => koaHttpMetrics({ registry, responseSize: { buckets: [Infinity] } }))).toMatchInlineSnapshot(
      `"koaHttpMetrics(): option "responseSize": buckets [Infinity] have no finite bound (+Inf is always there). Pass { buckets: [1000, 100000, ...] } in bytes, or true"`,
    );
    expect(() => httpMetrics({ registry, buckets: [0, 1, Infinity], responseSize: { buckets: [0, 100, Infinity] } })).not.toThrow();
  });

  test('the node:http form requires a route function', () => {
    const listener = () => undefined;
    expect(message(() => withHttpMetrics(listener, { registry: new Registry() } as never))).toMatchInlineSnapshot(
      `"withHttpMetrics(): option "route": route is required: node:http has no router to tell the route template. Pass { route: (req) => '/users/:id' or undefined } (undefined counts the request as __unmatched__)"`,
    );
  });

  test('the Fastify plugin reports bad options through register', async () => {
    const fastify = Fastify();
    await expect(fastify.register(fastifyHttpMetrics, { registry: new Registry(), buckets: [] })).rejects.toThrow(
      'fastifyHttpMetrics: option "buckets": buckets must be a non-empty array of numbers.',
    );
    await fastify.close();
  });

  test('a second middleware with other extra labels on the same registry is a conflict; the same labels share the metrics', () => {
    const registry = new Registry();
    httpMetrics({ registry });
    expect(() => koaHttpMetrics({ registry })).not.toThrow();
    // The adapter's own error, naming the option, not a decorator's (issue 11).
    expect(() => httpMetrics({ registry, labelNames: ['tenant'], labelsFrom: () => ({ tenant: 'a' }) })).toThrow(HttpMetricsOptionsError);
    expect(message(() => httpMetrics({ registry, labelNames: ['tenant'], labelsFrom: () => ({ tenant: 'a' }) }))).toBe(
      'httpMetrics(): option "registry": metric "http_requests_total" is declared here as a counter with labels method, route, status_code, tenant, but httpMetrics() already declared it as a counter with labels method, route, status_code (labels [method,route,status_code] against [method,route,status_code,tenant]). Pass the same buckets, labelNames and responseSize to every HTTP metrics middleware on this registry, or give each a registry of its own with the registry option',
    );
  });

  test('a metric of the same name registered by plain prom-client is reported, not overwritten', () => {
    const registry = new Registry();
    new Counter({ name: 'http_requests_total', help: 'theirs', labelNames: ['path'], registers: [registry] });
    expect(message(() => httpMetrics({ registry }))).toBe(
      'httpMetrics(): option "registry": metric "http_requests_total" is already registered in this registry by code outside prom-decorators. Remove the other registration, or give the HTTP metrics a registry of their own with the registry option',
    );
  });

  test('extra label functions are typed: other keys, missing keys and other value types do not compile', () => {
    // Checked by `tsc --noEmit` over spec/: each @ts-expect-error must be an error.
    const registry = new Registry();
    const typeChecks = () => {
      httpMetrics({ registry, labelNames: ['tenant'], labelsFrom: (req) => ({ tenant: req.get('x-tenant') ?? 'none' }) });
      koaHttpMetrics({ registry, labelNames: ['tenant', 'plan'], labelsFrom: (ctx) => ({ tenant: ctx.get('x-tenant'), plan: 1 }) });
      // @ts-expect-error a key that was not declared
      httpMetrics({ registry, labelNames: ['tenant'], labelsFrom: () => ({ tenant: 'a', user: 'b' }) });
      // @ts-expect-error a declared key missing
      koaHttpMetrics({ registry, labelNames: ['tenant', 'plan'], labelsFrom: () => ({ tenant: 'a' }) });
      // @ts-expect-error a value that is neither string nor number
      withHttpMetrics(() => undefined, { registry, route: () => '/', labelNames: ['ok'], labelsFrom: () => ({ ok: true }) });
      // @ts-expect-error node:http needs a route function
      withHttpMetrics(() => undefined, { registry });
    };
    expect(typeof typeChecks).toBe('function');
  });
});
