/**
 * Issue 14 item 6, for the endpoints: unknown options (with the option a typo was meant to be)
 * and values of the wrong type are refused where the endpoint is set up, naming the entry
 * point, the option and the fix, in every way of serving the metrics and in pushMetrics.
 */
import Fastify from 'fastify';
import { Registry } from '../support/prometheus-client.js';
import { EndpointOptionsError, exposeMetrics, fastifyMetrics, koaMetrics, metricsHandler, pushMetrics } from '../../lib';
import { honoMetrics } from '../../lib/exposition/hono';

/** The error a setup call throws (or its promise rejects with). */
async function refusal(setup: () => unknown): Promise<EndpointOptionsError> {
  try {
    await setup();
  } catch (error) {
    expect(error).toBeInstanceOf(EndpointOptionsError);
    return error as EndpointOptionsError;
  }
  throw new Error('expected the setup to be refused');
}

const ENDPOINT_OPTIONS = 'registry, path, compression, maxConcurrentScrapes, timeoutSeconds, onError, selfMetrics, cluster, basicAuth, bearerToken';

describe('an unknown option is refused with the option it was probably meant to be', () => {
  test.each([
    ['metricsHandler()', () => metricsHandler({ pth: '/m' } as never), 'pth', 'unknown option "pth" (did you mean "path"?). Rename it to "path"'],
    ['koaMetrics()', () => koaMetrics({ timeoutSecond: 5 } as never), 'timeoutSecond', 'unknown option "timeoutSecond" (did you mean "timeoutSeconds"?). Rename it to "timeoutSeconds"'],
    ['honoMetrics()', () => honoMetrics({ compresion: false } as never), 'compresion', 'unknown option "compresion" (did you mean "compression"?). Rename it to "compression"'],
    ['exposeMetrics()', () => exposeMetrics(0, { hostt: '127.0.0.1' } as never), 'hostt', 'unknown option "hostt" (did you mean "host"?). Rename it to "host"'],
    ['exposeMetrics()', () => exposeMetrics(0, { maxConnection: 5 } as never), 'maxConnection', 'unknown option "maxConnection" (did you mean "maxConnections"?). Rename it to "maxConnections"'],
    ['pushMetrics()', () => pushMetrics({ url: 'http://127.0.0.1:1', job: 'x', grouping: { a: 'b' } } as never), 'grouping', 'unknown option "grouping" (did you mean "groupings"?). Rename it to "groupings"'],
  ])('%s', async (where, setup, option, message) => {
    const error = await refusal(setup);
    expect(error).toMatchObject({ entryPoint: where, option });
    expect(error.message).toBe(`${where}: ${message}`);
  });

  test('without a near miss, the message lists what the entry point takes; one entry point\'s options are unknown to another', async () => {
    expect((await refusal(() => metricsHandler({ host: '127.0.0.1' } as never))).message).toBe(`metricsHandler(): unknown option "host". Remove it; metricsHandler() takes ${ENDPOINT_OPTIONS}`);
    expect((await refusal(() => exposeMetrics(0, { port: 9100 } as never))).message).toBe(
      `exposeMetrics(): unknown option "port". Remove it; exposeMetrics() takes ${ENDPOINT_OPTIONS}, host, defaultMetrics, tls, unref, headersTimeoutSeconds, requestTimeoutSeconds, keepAliveTimeoutSeconds, idleTimeoutSeconds, maxConnections`,
    );
    expect((await refusal(() => pushMetrics({ url: 'http://127.0.0.1:1', job: 'x', compression: true } as never))).message).toBe(
      'pushMetrics(): unknown option "compression". Remove it; pushMetrics() takes url, job, groupings, registry, method, timeoutMs, requestOptions',
    );
  });

  test('the Fastify plugin refuses it when Fastify loads the plugin', async () => {
    const app = Fastify();
    try {
      app.register(fastifyMetrics, { registry: new Registry(), maxConcurrentScrape: 3 } as never);
      const error = await refusal(() => app.ready());
      expect(error.message).toBe('fastifyMetrics(): unknown option "maxConcurrentScrape" (did you mean "maxConcurrentScrapes"?). Rename it to "maxConcurrentScrapes"');
    } finally {
      await app.close();
    }
  });

  test('a nested TLS option too', async () => {
    const error = await refusal(() => exposeMetrics(0, { host: '127.0.0.1', tls: { key: 'k', certificate: 'c', Cert: 'c' } } as never));
    expect(error).toMatchObject({ option: 'tls.certificate' });
    expect(error.message).toBe('exposeMetrics(): unknown option "tls.certificate". Remove it; tls takes key, cert, ca, requireClientCertificate, minVersion');
    expect((await refusal(() => exposeMetrics(0, { tls: { key: 'k', Cert: 'c' } } as never))).message).toBe('exposeMetrics(): unknown option "tls.Cert" (did you mean "tls.cert"?). Rename it to "tls.cert"');
  });
});

describe('a value of the wrong type is refused, saying what was expected and what came', () => {
  test.each([
    [{ registry: {} }, 'registry', 'registry must be a Registry of the Prometheus client, got an object. Pass { registry: new Registry() }, or leave it out for the global register.'],
    [{ path: 5 }, 'path', "path must be a string, got the number 5. Pass { path: '/metrics' }."],
    [{ path: 'metrics' }, 'path', 'path "metrics" is not an absolute path (it must start with "/"). Pass { path: \'/metrics\' }.'],
    [{ compression: 'yes' }, 'compression', 'compression must be a boolean, got the string "yes". Pass { compression: false } to never gzip, or leave it out.'],
    [{ selfMetrics: 0 }, 'selfMetrics', 'selfMetrics must be a boolean, got the number 0. Pass { selfMetrics: false } to count no scrapes, or leave it out.'],
    [{ cluster: 'yes' }, 'cluster', 'cluster must be a boolean or an object, got the string "yes". Pass { cluster: true }, or { cluster: { workerTimeoutSeconds: 3 } }.'],
    [{ maxConcurrentScrapes: '5' }, 'maxConcurrentScrapes', 'maxConcurrentScrapes must be a number, got the string "5". Pass { maxConcurrentScrapes: 10 }.'],
    [{ maxConcurrentScrapes: 2.5 }, 'maxConcurrentScrapes', 'maxConcurrentScrapes 2.5 must be a whole number of at least 1. Pass { maxConcurrentScrapes: 10 }.'],
    [{ timeoutSeconds: '10' }, 'timeoutSeconds', 'timeoutSeconds must be a number, got the string "10". Pass { timeoutSeconds: 10 }.'],
    [{ timeoutSeconds: NaN }, 'timeoutSeconds', 'timeoutSeconds must be a number, got the number NaN. Pass { timeoutSeconds: 10 }.'],
    [{ onError: true }, 'onError', "onError true is not 'fail' or 'continue'. Pass { onError: 'continue' } to serve what could be collected."],
    [{ basicAuth: 'prometheus:secret' }, 'basicAuth', "basicAuth must be an object, got a string. Pass { basicAuth: { username: 'prometheus', password: '<secret>' } }."],
    [{ bearerToken: 42 }, 'bearerToken', "bearerToken must be a non-empty string. Pass { bearerToken: '<secret>' } or leave it out."],
  ])('metricsHandler(%j)', async (options, option, message) => {
    const error = await refusal(() => metricsHandler(options as never));
    expect(error).toMatchObject({ entryPoint: 'metricsHandler()', option });
    expect(error.message).toBe(`metricsHandler(): ${message}`);
    // The same check, in the words of every other entry point.
    expect((await refusal(() => koaMetrics(options as never))).message).toBe(`koaMetrics(): ${message}`);
    expect((await refusal(() => exposeMetrics(0, { host: '127.0.0.1', ...options } as never))).message).toBe(`exposeMetrics(): ${message}`);
  });

  test('options that are not an object', async () => {
    expect((await refusal(() => metricsHandler('/metrics' as never))).message).toBe('metricsHandler(): options must be an object, got the string "/metrics". Pass { ... }, or nothing for the defaults.');
    expect((await refusal(() => honoMetrics(null as never))).message).toBe('honoMetrics(): options must be an object, got null. Pass { ... }, or nothing for the defaults.');
    expect((await refusal(() => pushMetrics('http://127.0.0.1:9091' as never))).message).toBe(
      "pushMetrics(): options must be an object, got the string \"http://127.0.0.1:9091\". Pass { url: 'http://localhost:9091', job: 'my_job' }.",
    );
  });

  test.each([
    [9100.5, 'port', 'port must be a whole number from 0 to 65535, got the number 9100.5. Pass exposeMetrics(9464) (0 picks a free port).'],
    ['9100', 'port', 'port must be a whole number from 0 to 65535, got the string "9100". Pass exposeMetrics(9464) (0 picks a free port).'],
  ])('exposeMetrics(%j)', async (port, option, message) => {
    const error = await refusal(() => exposeMetrics(port as never));
    expect(error).toMatchObject({ option });
    expect(error.message).toBe(`exposeMetrics(): ${message}`);
  });

  test.each([
    [{ host: 5 }, 'host', "host must be a host name or address, got the number 5. Pass { host: '127.0.0.1' }, or leave it out for every interface."],
    [{ defaultMetrics: 'no' }, 'defaultMetrics', 'defaultMetrics must be a boolean, got the string "no". Pass { defaultMetrics: false } to leave them off, or leave it out.'],
    [{ unref: 1 }, 'unref', 'unref must be a boolean, got the number 1. Pass { unref: true } to let the process exit while it serves.'],
    [{ tls: 'server.pem' }, 'tls', 'tls must be an object, got the string "server.pem". Pass { tls: { key, cert } } with PEM strings or Buffers.'],
    [{ tls: { key: 'k' } }, 'tls.cert', 'tls.cert must be a PEM string or a Buffer, got undefined. Pass { tls: { key: readFileSync(keyFile), cert: readFileSync(certFile) } }.'],
    [{ tls: { key: 'k', cert: 'c', requireClientCertificate: 'yes' } }, 'tls.requireClientCertificate', 'tls.requireClientCertificate must be a boolean, got the string "yes". Pass { tls: { key, cert, ca, requireClientCertificate: true } }.'],
    [{ tls: { key: 'k', cert: 'c', minVersion: 1.3 } }, 'tls.minVersion', "tls.minVersion must be a string, got the number 1.3. Pass { tls: { key, cert, minVersion: 'TLSv1.3' } }."],
  ])('exposeMetrics(0, %j)', async (options, option, message) => {
    const error = await refusal(() => exposeMetrics(0, options as never));
    expect(error).toMatchObject({ entryPoint: 'exposeMetrics()', option });
    expect(error.message).toBe(`exposeMetrics(): ${message}`);
  });

  test.each([
    [{ registry: { metrics: () => '' } }, 'registry', 'registry must be a Registry of the Prometheus client, got an object. Pass { registry: new Registry() }, or leave it out for the global register.'],
    [{ groupings: 'instance=1' }, 'groupings', "groupings must be an object, got the string \"instance=1\". Pass { groupings: { instance: 'nightly-1' } }."],
    [{ requestOptions: 5 }, 'requestOptions', "requestOptions must be an object, got the number 5. Pass { requestOptions: { headers: { Authorization: 'Bearer <token>' } } }."],
  ])('pushMetrics(%j)', async (options, option, message) => {
    const error = await refusal(() => pushMetrics({ url: 'http://127.0.0.1:1', job: 'x', ...options } as never));
    expect(error).toMatchObject({ entryPoint: 'pushMetrics()', option });
    expect(error.message).toBe(`pushMetrics(): ${message}`);
  });

  test('every option of the right type is taken, by every entry point', async () => {
    const registry = new Registry();
    const options = { registry, path: '/m', compression: false, maxConcurrentScrapes: 2, timeoutSeconds: 5, onError: 'continue', selfMetrics: false, cluster: false, bearerToken: 't' } as const;
    expect(() => metricsHandler(options)).not.toThrow();
    expect(() => koaMetrics(options)).not.toThrow();
    expect(() => honoMetrics({ ...options, basicAuth: { username: 'u', password: 'p' } })).not.toThrow();
    const exposed = await exposeMetrics(0, { ...options, host: '127.0.0.1', defaultMetrics: false, unref: true, headersTimeoutSeconds: 2, requestTimeoutSeconds: 3, keepAliveTimeoutSeconds: 1, idleTimeoutSeconds: 20, maxConnections: 5 });
    await exposed.close();
    const app = Fastify();
    try {
      app.register(fastifyMetrics, options);
      await expect(app.ready()).resolves.toBeDefined();
    } finally {
      await app.close();
    }
  });
});

describe('the cluster options and Fastify’s own register options', () => {
  test('an unknown cluster option and a workerTimeoutSeconds that is not a number are refused where the primary serves', async () => {
    const unknown = await refusal(() => metricsHandler({ registry: new Registry(), cluster: { workerTimeoutSecond: 1 } as never }));
    expect([unknown.option, unknown.message]).toEqual([
      'cluster.workerTimeoutSecond',
      'metricsHandler(): unknown option "workerTimeoutSecond" (did you mean "workerTimeoutSeconds"?). Rename it to "workerTimeoutSeconds"',
    ]);
    const wrong = await refusal(() => metricsHandler({ registry: new Registry(), cluster: { workerTimeoutSeconds: '3' } as never }));
    expect(wrong.message).toBe('metricsHandler(): cluster.workerTimeoutSeconds must be a number of seconds, got the string "3". Pass { cluster: { workerTimeoutSeconds: 3 } } (the default).');
  });

  test('clusterWorkerMetrics() refuses an unknown option and a registry that is not one, before it looks for its primary', async () => {
    const { clusterWorkerMetrics } = await import('../../lib/exposition/cluster.js');
    expect((await refusal(() => clusterWorkerMetrics({ registy: new Registry() } as never))).message).toBe(
      'clusterWorkerMetrics(): unknown option "registy" (did you mean "registry"?). Rename it to "registry"',
    );
    expect((await refusal(() => clusterWorkerMetrics({ registry: {} as never }))).message).toBe(
      'clusterWorkerMetrics(): registry must be a Registry of the Prometheus client, got an object. Pass { registry: new Registry() }, or leave it out for the global register.',
    );
  });

  test('fastifyMetrics takes the prefix Fastify passes to every plugin, and serves under it', async () => {
    const app = Fastify();
    try {
      await app.register(fastifyMetrics, { registry: new Registry(), prefix: '/internal', logLevel: 'warn' } as never);
      const url = await app.listen({ host: '127.0.0.1', port: 0 });
      expect((await fetch(`${url}/internal/metrics`)).status).toBe(200);
      expect((await fetch(`${url}/metrics`)).status).toBe(404);
    } finally {
      await app.close();
    }
  });
});
