import Fastify from 'fastify';
import { Counter, Registry } from '../support/prometheus-client.js';
import { HttpMetricsOptionsError } from '../../lib/http-metrics/errors.js';
import { expressHttpMetrics, httpMetrics } from '../../lib/http-metrics/express.js';
import { fastifyHttpMetrics } from '../../lib/http-metrics/fastify.js';
import { honoHttpMetrics } from '../../lib/http-metrics/hono.js';
import { koaHttpMetrics } from '../../lib/http-metrics/koa.js';
import { nodeHttpMetrics, withHttpMetrics } from '../../lib/http-metrics/node-http.js';

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
    expect(message(() => expressHttpMetrics({ registry, buckets: [1, 0.5] }))).toMatchInlineSnapshot(
      `"expressHttpMetrics(): option "buckets": buckets must be sorted in increasing order without repeats (1 then 0.5). Pass increasing upper bounds in seconds, e.g. [0.01, 0.1, 1]"`,
    );
    expect(message(() => koaHttpMetrics({ registry, metricsPath: 'metrics' }))).toMatchInlineSnapshot(`"koaHttpMetrics(): option "metricsPath": metricsPath "metrics" is not an absolute path (it must start with "/"). Pass a path such as { metricsPath: '/metrics' }, or false to count every path"`);
    expect(message(() => expressHttpMetrics({ registry, skipMethods: 'OPTIONS' as never }))).toMatchInlineSnapshot(`"expressHttpMetrics(): option "skipMethods": skipMethods must be an array of method names, got the string "OPTIONS". Pass e.g. ['OPTIONS', 'HEAD']"`);
    expect(message(() => expressHttpMetrics({ registry, maxSeries: 0 }))).toMatchInlineSnapshot(
      `"expressHttpMetrics(): option "maxSeries": 0 is not a positive integer. Pass e.g. { maxSeries: 5000 }"`,
    );
    expect(message(() => expressHttpMetrics({ registry, labelNames: ['route'], labelsFrom: () => ({ route: 'x' }) }))).toMatchInlineSnapshot(
      `"expressHttpMetrics(): option "labelNames": label "route" is already set by the HTTP metrics. Give the label another name"`,
    );
    expect(message(() => expressHttpMetrics({ registry, labelNames: ['tenant-id'], labelsFrom: () => ({ 'tenant-id': 'x' }) }))).toMatchInlineSnapshot(
      `"expressHttpMetrics(): option "labelNames": label name "tenant-id" is invalid (it must match [a-zA-Z_][a-zA-Z0-9_]*). Rename the label"`,
    );
    expect(message(() => expressHttpMetrics({ registry, labelNames: ['tenant'] }))).toMatchInlineSnapshot(
      `"expressHttpMetrics(): option "labelsFrom": labelNames needs a labelsFrom function that computes them. Pass { labelNames: ['tenant'], labelsFrom: (...) => ({ tenant: '...' }) }"`,
    );
    expect(message(() => expressHttpMetrics({ registry, labelsFrom: () => ({}) }))).toMatchInlineSnapshot(
      `"expressHttpMetrics(): option "labelNames": labelsFrom needs the names of the labels it computes in labelNames. Pass { labelNames: ['tenant'], labelsFrom: (...) => ({ tenant: '...' }) }"`,
    );
    expect(message(() => expressHttpMetrics({ registry, responseSize: { buckets: [] } }))).toMatchInlineSnapshot(
      `"expressHttpMetrics(): option "responseSize": buckets must be a non-empty array of numbers. Pass { buckets: [1000, 100000, ...] } in bytes, or true"`,
    );
  });

  test('negative or non-finite buckets, and buckets with no finite bound, are refused for both histograms', () => {
    const registry = new Registry();
    expect(message(() => expressHttpMetrics({ registry, buckets: [-1, 1] }))).toMatchInlineSnapshot(
      `"expressHttpMetrics(): option "buckets": bucket -1 is negative (bounds must be 0 or more). Pass increasing upper bounds in seconds, e.g. [0.01, 0.1, 1]"`,
    );
    expect(message(() => expressHttpMetrics({ registry, buckets: [-Infinity, 1] }))).toMatchInlineSnapshot(
      `"expressHttpMetrics(): option "buckets": bucket -Infinity is negative (bounds must be 0 or more). Pass increasing upper bounds in seconds, e.g. [0.01, 0.1, 1]"`,
    );
    expect(message(() => expressHttpMetrics({ registry, buckets: [Infinity] }))).toMatchInlineSnapshot(
      `"expressHttpMetrics(): option "buckets": buckets [Infinity] have no finite bound (+Inf is always there). Pass increasing upper bounds in seconds, e.g. [0.01, 0.1, 1]"`,
    );
    expect(message(() => koaHttpMetrics({ registry, responseSize: { buckets: [-100, 1000] } }))).toMatchInlineSnapshot(
      `"koaHttpMetrics(): option "responseSize": bucket -100 is negative (bounds must be 0 or more). Pass { buckets: [1000, 100000, ...] } in bytes, or true"`,
    );
    expect(message(() => koaHttpMetrics({ registry, responseSize: { buckets: [Infinity] } }))).toMatchInlineSnapshot(
      `"koaHttpMetrics(): option "responseSize": buckets [Infinity] have no finite bound (+Inf is always there). Pass { buckets: [1000, 100000, ...] } in bytes, or true"`,
    );
    expect(() => expressHttpMetrics({ registry, buckets: [0, 1, Infinity], responseSize: { buckets: [0, 100, Infinity] } })).not.toThrow();
  });

  test('the old names are the new functions', () => {
    expect(withHttpMetrics).toBe(nodeHttpMetrics);
    expect(httpMetrics).toBe(expressHttpMetrics);
  });

  test('the node:http form requires a route function', () => {
    const listener = () => undefined;
    expect(message(() => nodeHttpMetrics(listener, { registry: new Registry() } as never))).toMatchInlineSnapshot(
      `"nodeHttpMetrics(): option "route": route is required: node:http has no router to tell the route template. Pass { route: (req) => '/users/:id' or undefined } (undefined counts the request as __unmatched__)"`,
    );
  });

  test('the Fastify plugin reports bad options through register', async () => {
    const fastify = Fastify();
    await expect(fastify.register(fastifyHttpMetrics, { registry: new Registry(), buckets: [] })).rejects.toThrow(
      'fastifyHttpMetrics: option "buckets": buckets must be a non-empty array of numbers.',
    );
    await fastify.close();
  });

  test('an unknown option throws, naming the option it was probably meant to be', () => {
    const registry = new Registry();
    expect(message(() => expressHttpMetrics({ registry, bukets: [1] } as never))).toMatchInlineSnapshot(`"expressHttpMetrics(): option "bukets": unknown option "bukets" (did you mean "buckets"?). Rename it to "buckets""`);
    expect(message(() => koaHttpMetrics({ registry, metricPath: '/m' } as never))).toMatchInlineSnapshot(`"koaHttpMetrics(): option "metricPath": unknown option "metricPath" (did you mean "metricsPath"?). Rename it to "metricsPath""`);
    expect(message(() => honoHttpMetrics({ registry, StatusCodeGroups: true } as never))).toMatchInlineSnapshot(`"honoHttpMetrics(): option "StatusCodeGroups": unknown option "StatusCodeGroups" (did you mean "statusCodeGroups"?). Rename it to "statusCodeGroups""`);
    expect(message(() => nodeHttpMetrics(() => undefined, { registry, route: () => '/', path: '/metrics' } as never))).toMatchInlineSnapshot(`"nodeHttpMetrics(): option "path": unknown option "path". Remove it; nodeHttpMetrics() takes registry, buckets, nativeHistogram, exemplars, statusCodeGroups, metricsPath, skipMethods, responseSize, maxSeries, maxSeriesPerRoute, seriesTtlSeconds, prefix, names, labelNames, labelsFrom, skip, route"`);
    expect(message(() => expressHttpMetrics({ registry, names: { request: 'x_total' } } as never))).toMatchInlineSnapshot(`"expressHttpMetrics(): option "names.request": unknown option "request" (did you mean "requests"?). Rename it to "requests""`);
  });

  test('options of the wrong type throw, saying the type expected and the one given', () => {
    const registry = new Registry();
    expect(message(() => expressHttpMetrics({ registry, route: '/users/:id' } as never))).toMatchInlineSnapshot(`"expressHttpMetrics(): option "route": route must be a function, got the string "/users/:id". Pass (req) => a route template such as /users/:id, or undefined for __unmatched__"`);
    expect(message(() => koaHttpMetrics({ registry, skip: true } as never))).toMatchInlineSnapshot(`"koaHttpMetrics(): option "skip": skip must be a function, got the boolean true. Pass (req) => boolean"`);
    expect(message(() => honoHttpMetrics({ registry, statusCodeGroups: 'yes' } as never))).toMatchInlineSnapshot(`"honoHttpMetrics(): option "statusCodeGroups": statusCodeGroups must be a boolean, got the string "yes". Pass { statusCodeGroups: true } to label 2xx, 4xx, ..."`);
    expect(message(() => expressHttpMetrics({ registry, buckets: ['0.1', '1'] } as never))).toMatchInlineSnapshot(`"expressHttpMetrics(): option "buckets": bucket "0.1" is not a number. Pass increasing upper bounds in seconds, e.g. [0.01, 0.1, 1]"`);
    expect(message(() => expressHttpMetrics({ registry, responseSize: 1000 } as never))).toMatchInlineSnapshot(`"expressHttpMetrics(): option "responseSize": responseSize must be a boolean or { buckets }, got the number 1000. Pass { buckets: [1000, 100000, ...] } in bytes, or true"`);
    expect(message(() => expressHttpMetrics({ registry: {} as never }))).toMatchInlineSnapshot(`"expressHttpMetrics(): option "registry": registry must be a Registry of @prometheus-io/client or prom-client, got an object. Pass { registry: new Registry() } or leave it out to use the global register"`);
    expect(message(() => expressHttpMetrics('/metrics' as never))).toMatchInlineSnapshot(`"expressHttpMetrics(): option "options": options must be an object, got the string "/metrics". Pass { ... } or nothing"`);
    expect(message(() => honoHttpMetrics({ registry, metricsPath: 42 } as never))).toMatchInlineSnapshot(`"honoHttpMetrics(): option "metricsPath": metricsPath must be a string, got the number 42. Pass a path such as { metricsPath: '/metrics' }, or false to count every path"`);
    expect(message(() => honoHttpMetrics({ registry, metricsPath: 'metrics' }))).toMatchInlineSnapshot(`"honoHttpMetrics(): option "metricsPath": metricsPath "metrics" is not an absolute path (it must start with "/"). Pass a path such as { metricsPath: '/metrics' }, or false to count every path"`);
  });

  test('prefix and names must give valid names, each its own', () => {
    const registry = new Registry();
    expect(message(() => expressHttpMetrics({ registry, prefix: 'my-app_' }))).toMatchInlineSnapshot(`"expressHttpMetrics(): option "prefix": metric name "my-app_http_requests_total" is invalid (it must match [a-zA-Z_:][a-zA-Z0-9_:]*). Pass a prefix of letters, digits, _ and :, e.g. { prefix: 'myapp_' }"`);
    expect(message(() => expressHttpMetrics({ registry, prefix: 7 } as never))).toMatchInlineSnapshot(`"expressHttpMetrics(): option "prefix": prefix must be a string, got the number 7. Pass e.g. { prefix: 'myapp_' }"`);
    expect(message(() => expressHttpMetrics({ registry, names: { duration: 'latency seconds' } }))).toMatchInlineSnapshot(`"expressHttpMetrics(): option "names.duration": metric name "latency seconds" is invalid (it must match [a-zA-Z_:][a-zA-Z0-9_:]*). Pass a name of letters, digits, _ and :, e.g. { names: { duration: 'myapp_http_request_duration_seconds' } }"`);
    expect(message(() => expressHttpMetrics({ registry, names: { requests: '_total' } }))).toMatchInlineSnapshot(`"expressHttpMetrics(): option "names.requests": metric name "_total" is nothing but the suffix "_total" (the family is named without it, so it would have no name). Pass a name of letters, digits, _ and :, e.g. { names: { requests: 'myapp_http_requests_total' } }"`);
    expect(message(() => expressHttpMetrics({ registry, names: { inFlight: 'http_requests_total' } }))).toMatchInlineSnapshot(`"expressHttpMetrics(): option "names.inFlight": the inFlight and requests metrics would both be named "http_requests_total". Give each metric a name of its own"`);
    expect(message(() => expressHttpMetrics({ registry, names: 'x' } as never))).toMatchInlineSnapshot(`"expressHttpMetrics(): option "names": names must be an object, got the string "x". Pass e.g. { names: { requests: 'myapp_http_requests_total' } }"`);
  });

  test('every adapter takes prefix and names: two sets of HTTP metrics share one registry', async () => {
    const registry = new Registry();
    expressHttpMetrics({ registry });
    expect(() => koaHttpMetrics({ registry, prefix: 'admin_', labelNames: ['tenant'], labelsFrom: () => ({ tenant: 'a' }) })).not.toThrow();
    expect(() => honoHttpMetrics({ registry, names: { requests: 'edge_requests_total', duration: 'edge_seconds', inFlight: 'edge_open' } })).not.toThrow();
    const fastify = Fastify();
    await fastify.register(fastifyHttpMetrics, { registry, prefix: 'api_' });
    await fastify.close();
    const names = (await registry.getMetricsAsJSON()).map((metric) => metric.name).sort();
    expect(names).toEqual([
      'admin_http_request_duration_seconds',
      'admin_http_requests_in_flight',
      'admin_http_requests_total',
      'api_http_request_duration_seconds',
      'api_http_requests_in_flight',
      'api_http_requests_total',
      'edge_open',
      'edge_requests_total',
      'edge_seconds',
      'http_request_duration_seconds',
      'http_requests_in_flight',
      'http_requests_total',
    ]);
  });

  test('a second middleware with other extra labels on the same registry is a conflict; the same labels share the metrics', () => {
    const registry = new Registry();
    expressHttpMetrics({ registry });
    expect(() => koaHttpMetrics({ registry })).not.toThrow();
    // The adapter's own error, naming the option, not a decorator's (issue 11).
    expect(() => expressHttpMetrics({ registry, labelNames: ['tenant'], labelsFrom: () => ({ tenant: 'a' }) })).toThrow(HttpMetricsOptionsError);
    expect(message(() => expressHttpMetrics({ registry, labelNames: ['tenant'], labelsFrom: () => ({ tenant: 'a' }) }))).toMatchInlineSnapshot(`"expressHttpMetrics(): option "names.requests": metric "http_requests_total" is declared here as a counter with labels method, route, status_code, tenant, but expressHttpMetrics() already declared it as a counter with labels method, route, status_code (labels [method,route,status_code] against [method,route,status_code,tenant]). Pass the same buckets, labelNames and responseSize to every HTTP metrics middleware on this registry, or keep this one apart with { prefix: 'myapp_' } (every HTTP metric of prom-decorators renamed) or { names: { requests: 'myapp_http_requests_total' } } (this one) or a registry of its own"`);
  });

  test('a metric of the same name registered by plain prom-client is reported, not overwritten', () => {
    const registry = new Registry();
    new Counter({ name: 'http_requests_total', help: 'theirs', labelNames: ['path'], registers: [registry] });
    expect(message(() => expressHttpMetrics({ registry }))).toMatchInlineSnapshot(`"expressHttpMetrics(): option "names.requests": metric "http_requests_total" is already registered in this registry by code outside prom-decorators. Pass { prefix: 'myapp_' } (every HTTP metric of prom-decorators renamed) or { names: { requests: 'myapp_http_requests_total' } } (this one), or give the HTTP metrics a registry of their own with the registry option"`);
  });

  test('extra label functions are typed: other keys, missing keys and other value types do not compile', () => {
    // Checked by `tsc --noEmit` over spec/: each @ts-expect-error must be an error.
    const registry = new Registry();
    const typeChecks = () => {
      expressHttpMetrics({ registry, labelNames: ['tenant'], labelsFrom: (req) => ({ tenant: req.get('x-tenant') ?? 'none' }) });
      koaHttpMetrics({ registry, labelNames: ['tenant', 'plan'], labelsFrom: (ctx) => ({ tenant: ctx.get('x-tenant'), plan: 1 }) });
      // @ts-expect-error a key that was not declared
      expressHttpMetrics({ registry, labelNames: ['tenant'], labelsFrom: () => ({ tenant: 'a', user: 'b' }) });
      // @ts-expect-error a declared key missing
      koaHttpMetrics({ registry, labelNames: ['tenant', 'plan'], labelsFrom: () => ({ tenant: 'a' }) });
      // @ts-expect-error a value that is neither string nor number
      nodeHttpMetrics(() => undefined, { registry, route: () => '/', labelNames: ['ok'], labelsFrom: () => ({ ok: true }) });
      // @ts-expect-error node:http needs a route function
      nodeHttpMetrics(() => undefined, { registry });
    };
    expect(typeof typeChecks).toBe('function');
  });
});
