import { Registry } from '../support/prometheus-client.js';
import { exposeMetrics, type ExposedMetrics } from '../../lib';
import { makeTestCertificates, type TestCertificates } from './certificates';
import { fetchUrl } from './http-client';
import { HALF_SENT_REQUEST, openIdleConnections, type IdleConnections } from './idle-connections';

// Issue 12 §5 over TLS: the limits apply to the HTTPS server, and a connection that never
// finishes its handshake is shed as fast as an idle half-sent request (tls' own default is 120 s).
describe('connection limits of exposeMetrics() with TLS', () => {
  let certificates: TestCertificates;
  beforeAll(() => {
    certificates = makeTestCertificates(); // openssl, in a child process
  });
  const started: ExposedMetrics[] = [];
  const attacks: IdleConnections[] = [];
  afterEach(async () => {
    for (const connections of attacks.splice(0)) connections.destroy();
    await Promise.all(started.splice(0).map((exposed) => exposed.close()));
  });
  const expose = async (maxConnections: number): Promise<ExposedMetrics> => {
    const exposed = await exposeMetrics(0, {
      host: '127.0.0.1',
      registry: new Registry(),
      defaultMetrics: false,
      tls: { key: certificates.serverKey, cert: certificates.serverCert },
      headersTimeoutSeconds: 0.5,
      maxConnections,
    });
    started.push(exposed);
    return exposed;
  };

  test('handshakes never finished and half-sent requests are shed after headersTimeoutSeconds; a scrape answers meanwhile', async () => {
    const { port, url } = await expose(Infinity);
    const silent = await openIdleConnections(port, 100, '');
    attacks.push(silent);
    const halfSent = await openIdleConnections(port, 100, HALF_SENT_REQUEST, { ca: certificates.ca });
    attacks.push(halfSent);
    expect((await fetchUrl(url, { tls: { ca: certificates.ca } })).status).toBe(200);
    await Promise.all([silent.allClosed(3000), halfSent.allClosed(3000)]);
    expect([silent.open().length, halfSent.open().length]).toEqual([0, 0]);
    expect(Math.max(...silent.connections.map((connection) => connection.closedAfterMs ?? Infinity))).toBeLessThan(1500);
    expect(halfSent.connections.filter((connection) => !connection.received.startsWith('HTTP/1.1 408 Request Timeout\r\n'))).toHaveLength(0);
  });

  test('maxConnections caps TLS connections too', async () => {
    const { port } = await expose(20);
    const silent = await openIdleConnections(port, 50, '');
    attacks.push(silent);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect([silent.closed().length, silent.open().length]).toEqual([30, 20]);
  });
});
