import { connect } from 'node:net';
import { Registry } from '../support/prometheus-client.js';
import { EndpointOptionsError, exposeMetrics, type ExposedMetrics, type ExposeMetricsOptions } from '../../lib';
import { fetchUrl } from './http-client';
import { HALF_SENT_REQUEST, openIdleConnections, sleep, type IdleConnections } from './idle-connections';

const REQUEST_TIMEOUT_ANSWER = 'HTTP/1.1 408 Request Timeout\r\n';

// Issue 12 §5: exposeMetrics() had no connection limits; 1100 idle half-sent requests under a
// 1024 descriptor limit made every real scrape fail.
describe('connection limits of exposeMetrics()', () => {
  const started: ExposedMetrics[] = [];
  const attacks: IdleConnections[] = [];
  const expose = async (options: ExposeMetricsOptions): Promise<ExposedMetrics> => {
    const exposed = await exposeMetrics(0, { host: '127.0.0.1', registry: new Registry(), defaultMetrics: false, ...options });
    started.push(exposed);
    return exposed;
  };
  const attack = async (port: number, count: number, sent = HALF_SENT_REQUEST): Promise<IdleConnections> => {
    const connections = await openIdleConnections(port, count, sent);
    attacks.push(connections);
    return connections;
  };
  afterEach(async () => {
    for (const connections of attacks.splice(0)) connections.destroy();
    await Promise.all(started.splice(0).map((exposed) => exposed.close()));
  });

  test("reproduction: with Node's defaults (headers 60 s, no cap) idle half-sent requests pile up, each holding a descriptor", async () => {
    const nodeDefaults = { headersTimeoutSeconds: 60, requestTimeoutSeconds: 300, idleTimeoutSeconds: Infinity, maxConnections: Infinity };
    const { port } = await expose(nodeDefaults);
    const connections = await attack(port, 400);
    await sleep(1500);
    // Nothing is shed: 1100 of these under a 1024 descriptor limit leave no descriptor for a scrape.
    expect(connections.open()).toHaveLength(400);
  });

  test('a short headers timeout answers idle half-sent requests 408 and closes them; a scrape answers 200 during the attack', async () => {
    const { port, url } = await expose({ headersTimeoutSeconds: 0.5, maxConnections: Infinity });
    const connections = await attack(port, 400);
    const scrapeStartedAt = Date.now();
    const scrape = await fetchUrl(url);
    expect(scrape.status).toBe(200);
    expect(Date.now() - scrapeStartedAt).toBeLessThan(1000);
    await connections.allClosed(3000);
    expect(connections.open()).toHaveLength(0);
    expect(connections.connections.filter((connection) => !connection.received.startsWith(REQUEST_TIMEOUT_ANSWER))).toHaveLength(0);
    const closedAfterMs = connections.connections.map((connection) => connection.closedAfterMs ?? Infinity);
    expect(Math.min(...closedAfterMs)).toBeGreaterThanOrEqual(450);
    expect(Math.max(...closedAfterMs)).toBeLessThan(1500); // 0.5 s and one check (a quarter of it) later, with room for a busy machine
  });

  test('connections over maxConnections are closed at once, without an answer', async () => {
    const { port } = await expose({ headersTimeoutSeconds: 2, maxConnections: 100 });
    const connections = await attack(port, 400);
    await sleep(500);
    expect(connections.closed()).toHaveLength(300);
    expect(connections.closed().filter((connection) => connection.received !== '')).toHaveLength(0);
    expect(connections.open()).toHaveLength(100);
  });

  test('a full cap locks a scraper out only until the idle connections are shed (the headers timeout)', async () => {
    const { port, url } = await expose({ headersTimeoutSeconds: 0.5, maxConnections: 100 });
    await attack(port, 100);
    const lockedOutAt = Date.now();
    const refusals: string[] = [];
    let answered: number | undefined;
    while (answered === undefined && Date.now() - lockedOutAt < 5000) {
      try {
        answered = (await fetchUrl(url)).status;
      } catch (error) {
        refusals.push((error as NodeJS.ErrnoException).code ?? String(error));
        await sleep(25);
      }
    }
    expect(answered).toBe(200);
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.filter((code) => code !== 'ECONNRESET')).toEqual([]);
    expect(Date.now() - lockedOutAt).toBeLessThan(1500);
  });

  test('connections that send nothing at all are shed by the headers timeout too', async () => {
    const { port } = await expose({ headersTimeoutSeconds: 0.5 });
    const connections = await attack(port, 50, '');
    await connections.allClosed(3000);
    expect(connections.open()).toHaveLength(0);
    expect(connections.connections.filter((connection) => !connection.received.startsWith(REQUEST_TIMEOUT_ANSWER))).toHaveLength(0);
  });

  test('the defaults: 100 connections, idle half-sent requests shed after 5 s', async () => {
    const { port, url } = await expose({});
    const connections = await attack(port, 150);
    await sleep(500);
    expect(connections.closed()).toHaveLength(50);
    await connections.allClosed(7000);
    expect(connections.open()).toHaveLength(0);
    const shed = connections.connections.filter((connection) => connection.received.startsWith(REQUEST_TIMEOUT_ANSWER));
    expect(shed).toHaveLength(100);
    const shedAfterMs = shed.map((connection) => connection.closedAfterMs ?? Infinity);
    expect(Math.min(...shedAfterMs)).toBeGreaterThanOrEqual(4900);
    expect(Math.max(...shedAfterMs)).toBeLessThan(6800); // 5 s and one check (1 s) later, with room for a busy machine
    expect((await fetchUrl(url)).status).toBe(200);
  }, 15_000);

  test('keepAliveTimeoutSeconds closes an idle keep-alive connection after an answer', async () => {
    const { port } = await expose({ keepAliveTimeoutSeconds: 0.3 });
    const socket = connect(port, '127.0.0.1');
    try {
      const startedAt = Date.now();
      let received = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.write('GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
      await new Promise<void>((resolve, reject) => {
        socket.on('close', () => resolve());
        socket.on('error', reject);
      });
      expect(received.startsWith('HTTP/1.1 200 OK\r\n')).toBe(true);
      expect(received).toContain('\r\nKeep-Alive: timeout=0\r\n'); // Node states whole seconds, rounded down
      // Node closes 1 s after the timeout it states, so that a client never sends into a closing socket.
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1250);
      expect(Date.now() - startedAt).toBeLessThan(2500);
    } finally {
      socket.destroy();
    }
  });

  test('idleTimeoutSeconds closes a connection without traffic when no request timeout applies', async () => {
    const { port } = await expose({ headersTimeoutSeconds: Infinity, requestTimeoutSeconds: Infinity, idleTimeoutSeconds: 11, timeoutSeconds: 10 });
    const idle = await exposeMetrics(0, {
      host: '127.0.0.1',
      registry: new Registry(),
      defaultMetrics: false,
      headersTimeoutSeconds: Infinity,
      requestTimeoutSeconds: Infinity,
      timeoutSeconds: 0.1,
      idleTimeoutSeconds: 0.4,
    });
    started.push(idle);
    const kept = await attack(port, 5);
    const shed = await attack(idle.port, 5);
    await shed.allClosed(3000);
    expect(shed.open()).toHaveLength(0);
    expect(shed.connections.filter((connection) => connection.received !== '')).toHaveLength(0); // destroyed, not answered
    expect(Math.min(...shed.connections.map((connection) => connection.closedAfterMs ?? Infinity))).toBeGreaterThanOrEqual(350);
    expect(kept.open()).toHaveLength(5);
  });

  test('options are checked when the server is set up, with errors that say the fix', async () => {
    const cases: Array<[ExposeMetricsOptions, string, string]> = [
      [{ headersTimeoutSeconds: 0 }, 'headersTimeoutSeconds', 'headersTimeoutSeconds 0 must be a number above 0 and at most 2147482 (about 24.8 days; Infinity for none). Pass { headersTimeoutSeconds: 5 }.'],
      [{ requestTimeoutSeconds: -1 }, 'requestTimeoutSeconds', 'requestTimeoutSeconds -1 must be a number above 0 and at most 2147482 (about 24.8 days; Infinity for none). Pass { requestTimeoutSeconds: 10 }.'],
      [{ keepAliveTimeoutSeconds: NaN }, 'keepAliveTimeoutSeconds', 'keepAliveTimeoutSeconds NaN must be a number above 0 and at most 2147482 (about 24.8 days; Infinity for none). Pass { keepAliveTimeoutSeconds: 5 }.'],
      [{ idleTimeoutSeconds: 3_000_000 }, 'idleTimeoutSeconds', 'idleTimeoutSeconds 3000000 must be a number above 0 and at most 2147482 (about 24.8 days; Infinity for none). Pass { idleTimeoutSeconds: 30 }.'],
      [{ headersTimeoutSeconds: '5' as unknown as number }, 'headersTimeoutSeconds', 'headersTimeoutSeconds "5" must be a number above 0 and at most 2147482 (about 24.8 days; Infinity for none). Pass { headersTimeoutSeconds: 5 }.'],
      [{ headersTimeoutSeconds: 20 }, 'headersTimeoutSeconds', 'headersTimeoutSeconds 20 must not be longer than requestTimeoutSeconds 10. Pass { headersTimeoutSeconds: 20, requestTimeoutSeconds: 20 } or a shorter headersTimeoutSeconds.'],
      [{ idleTimeoutSeconds: 10 }, 'idleTimeoutSeconds', "idleTimeoutSeconds 10 must be longer than timeoutSeconds 10, or a slow collection's connection is closed before it is answered. Pass { idleTimeoutSeconds: 20 } or leave it out."],
      [{ idleTimeoutSeconds: 60, timeoutSeconds: Infinity }, 'idleTimeoutSeconds', "idleTimeoutSeconds 60 must be longer than timeoutSeconds Infinity, or a slow collection's connection is closed before it is answered. Pass { idleTimeoutSeconds: Infinity } or leave it out."],
      [{ maxConnections: 0 }, 'maxConnections', 'maxConnections 0 must be a whole number of at least 1 (Infinity for none). Pass { maxConnections: 100 }.'],
      [{ maxConnections: 2.5 }, 'maxConnections', 'maxConnections 2.5 must be a whole number of at least 1 (Infinity for none). Pass { maxConnections: 100 }.'],
    ];
    for (const [options, option, message] of cases) {
      const failure = await exposeMetrics(0, { host: '127.0.0.1', registry: new Registry(), defaultMetrics: false, ...options }).then(
        (exposed) => {
          started.push(exposed);
          return undefined;
        },
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(EndpointOptionsError);
      expect(failure).toMatchObject({ entryPoint: 'exposeMetrics()', option, message: `exposeMetrics(): ${message}` });
    }
  });

  test('Infinity turns each limit off, and long timeouts are accepted', async () => {
    const exposed = await expose({
      headersTimeoutSeconds: Infinity,
      requestTimeoutSeconds: Infinity,
      keepAliveTimeoutSeconds: Infinity,
      idleTimeoutSeconds: Infinity,
      maxConnections: Infinity,
      timeoutSeconds: Infinity,
    });
    expect((await fetchUrl(exposed.url)).status).toBe(200);
    const long = await expose({ headersTimeoutSeconds: 2_147_482, requestTimeoutSeconds: 2_147_482, keepAliveTimeoutSeconds: 2_147_482, idleTimeoutSeconds: 2_147_482, maxConnections: 1 });
    expect((await fetchUrl(long.url)).status).toBe(200);
    // A keep-alive connection is kept (a timer past Node's limit would fire after 1 ms, with a TimeoutOverflowWarning).
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const socket = connect(long.port, '127.0.0.1');
    try {
      socket.on('error', () => undefined);
      socket.write('GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
      await new Promise<void>((resolve) => socket.once('data', () => resolve()));
      await sleep(200);
      expect([socket.destroyed, warnings]).toEqual([false, []]);
    } finally {
      process.off('warning', onWarning);
      socket.destroy();
    }
  });
});
