import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Registry } from '../support/prometheus-client.js';
import { Counted, exposeMetrics, type ExposedMetrics, type ExposeMetricsOptions } from '../../lib';
import { makeTestCertificates, type TestCertificates } from './certificates';
import { fetchUrl } from './http-client';

function registryWithCalls(): Registry {
  const registry = new Registry();
  class Vault {
    @Counted({ registry })
    open(): void {}
  }
  new Vault().open();
  return registry;
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('securing the endpoint (issue 5 §2)', () => {
  const started: ExposedMetrics[] = [];
  const expose = async (options: ExposeMetricsOptions): Promise<ExposedMetrics> => {
    const exposed = await exposeMetrics(0, { host: '127.0.0.1', defaultMetrics: false, registry: registryWithCalls(), ...options });
    started.push(exposed);
    return exposed;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((exposed) => exposed.close()));
  });

  describe('basic auth and bearer token', () => {
    test('basic auth: 401 with a Basic challenge unless the credentials match', async () => {
      const log = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
      try {
        const { url } = await expose({ basicAuth: { username: 'prometheus', password: 's3cret-pass' } });
        for (const authorization of [undefined, basic('prometheus', 'wrong'), basic('other', 's3cret-pass'), basic('prometheus', 's3cret-pass!'), 'Bearer s3cret-pass', 'Basic %%%']) {
          const response = await fetchUrl(url, { headers: authorization === undefined ? {} : { Authorization: authorization } });
          expect([authorization, response.status, response.headers['www-authenticate'], response.text]).toEqual([
            authorization,
            401,
            'Basic realm="metrics", charset="UTF-8"',
            'Unauthorized\n',
          ]);
        }
        const ok = await fetchUrl(url, { headers: { Authorization: basic('prometheus', 's3cret-pass') } });
        expect(ok.status).toBe(200);
        expect(ok.text).toContain('method_calls_total{class="Vault",method="open",result="ok"} 1\n');
        const scrapes = await fetchUrl(`${url}?name[]=prom_decorators_scrapes_total`, { headers: { Authorization: basic('prometheus', 's3cret-pass') } });
        expect(scrapes.text).toContain('prom_decorators_scrapes_total{code="401"} 6\n');
        expect(JSON.stringify(log.mock.calls)).not.toContain('s3cret');
      } finally {
        log.mockRestore();
      }
    });

    test('bearer token: 401 with a Bearer challenge unless the token matches', async () => {
      const { url } = await expose({ bearerToken: 'token-123' });
      for (const authorization of [undefined, 'Bearer token-12', 'Bearer token-1234', basic('token-123', 'x')]) {
        const response = await fetchUrl(url, { headers: authorization === undefined ? {} : { Authorization: authorization } });
        expect([authorization, response.status, response.headers['www-authenticate']]).toEqual([authorization, 401, 'Bearer realm="metrics"']);
      }
      expect((await fetchUrl(url, { headers: { Authorization: 'Bearer token-123' } })).status).toBe(200);
      expect((await fetchUrl(url, { headers: { Authorization: 'bearer token-123' } })).status).toBe(200);
    });

    test('both configured: either passes, and the 401 offers both challenges', async () => {
      const { url } = await expose({ bearerToken: 'token-123', basicAuth: { username: 'prometheus', password: 'pw' } });
      const refused = await fetchUrl(url);
      expect(refused.status).toBe(401);
      expect(refused.headers['www-authenticate']).toBe('Basic realm="metrics", charset="UTF-8", Bearer realm="metrics"');
      expect((await fetchUrl(url, { headers: { Authorization: 'Bearer token-123' } })).status).toBe(200);
      expect((await fetchUrl(url, { headers: { Authorization: basic('prometheus', 'pw') } })).status).toBe(200);
    });

    test('empty credentials are refused at configuration time', async () => {
      await expect(expose({ bearerToken: '' })).rejects.toThrow("bearerToken must be a non-empty string. Pass { bearerToken: '<secret>' } or leave it out.");
      await expect(expose({ basicAuth: { username: 'a:b', password: 'x' } })).rejects.toThrow('basicAuth needs a non-empty username without ":" and a non-empty password');
    });
  });

  describe('TLS', () => {
    let certificates: TestCertificates;
    beforeAll(() => {
      certificates = makeTestCertificates();
    });

    test('serves https with the given key and certificate', async () => {
      const exposed = await expose({ tls: { key: certificates.serverKey, cert: certificates.serverCert } });
      expect(exposed.url).toBe(`https://127.0.0.1:${exposed.port}/metrics`);
      const response = await fetchUrl(exposed.url, { tls: { ca: certificates.ca } });
      expect(response.status).toBe(200);
      expect(response.text).toContain('method_calls_total{class="Vault",method="open",result="ok"} 1\n');
      // A client that does not trust our CA refuses the server.
      await expect(fetchUrl(exposed.url)).rejects.toThrow(/self.signed|unable to verify|certificate/i);
    });

    test('mutual TLS: only clients with a certificate from the given CA get in', async () => {
      const exposed = await expose({
        tls: { key: certificates.serverKey, cert: certificates.serverCert, ca: certificates.ca, requireClientCertificate: true },
      });
      const trusted = await fetchUrl(exposed.url, { tls: { ca: certificates.ca, key: certificates.clientKey, cert: certificates.clientCert } });
      expect(trusted.status).toBe(200);
      await expect(fetchUrl(exposed.url, { tls: { ca: certificates.ca } })).rejects.toThrow();
      await expect(fetchUrl(exposed.url, { tls: { ca: certificates.ca, key: certificates.strangerKey, cert: certificates.strangerCert } })).rejects.toThrow();
    });

    test('minVersion refuses older clients', async () => {
      const exposed = await expose({ tls: { key: certificates.serverKey, cert: certificates.serverCert, minVersion: 'TLSv1.3' } });
      await expect(fetchUrl(exposed.url, { tls: { ca: certificates.ca, maxVersion: 'TLSv1.2' } })).rejects.toThrow(/version|protocol/i);
      expect((await fetchUrl(exposed.url, { tls: { ca: certificates.ca } })).status).toBe(200);
    });

    test('requireClientCertificate without ca is a configuration error', async () => {
      await expect(expose({ tls: { key: certificates.serverKey, cert: certificates.serverCert, requireClientCertificate: true } })).rejects.toThrow(
        'tls.requireClientCertificate needs tls.ca',
      );
    });
  });

  describe('unref', () => {
    /** Runs the child; resolves with how it ended, killing it after `limitMs` (bounded). */
    function runChild(mode: 'unref' | 'ref', limitMs: number): Promise<{ url: string; exitedByItself: boolean }> {
      const child = spawn(process.execPath, ['-r', join(__dirname, 'fixtures/ts-register.js'), join(__dirname, 'fixtures/unref-child.ts'), mode], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let url = '';
      child.stdout.on('data', (chunk: Buffer) => (url += chunk.toString()));
      return new Promise((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
        child.on('exit', (code, signal) => {
          clearTimeout(timer);
          resolve({ url: url.trim(), exitedByItself: code === 0 && signal === null });
        });
      });
    }

    test('with unref a CLI exits by itself; without it the server keeps the process alive', async () => {
      const unrefed = await runChild('unref', 15_000);
      expect(unrefed.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect(unrefed.exitedByItself).toBe(true);
      // The same child without unref is still running (and serving) when killed after the bound.
      const kept = await runChild('ref', 6_000);
      expect(kept.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect(kept.exitedByItself).toBe(false);
    }, 30_000);
  });
});
