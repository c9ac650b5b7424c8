import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBinary } from '../support/binaries.js';

export interface TestCertificates {
  ca: Buffer;
  serverKey: Buffer;
  serverCert: Buffer;
  clientKey: Buffer;
  clientCert: Buffer;
  /** A client certificate from a CA the server does not trust. */
  strangerKey: Buffer;
  strangerCert: Buffer;
}

/**
 * Throwaway CA, server (for 127.0.0.1) and client certificates made with openssl in a temp
 * directory that is removed at once: no key ever lands in the repository.
 */
export function makeTestCertificates(): TestCertificates {
  const directory = mkdtempSync(join(tmpdir(), 'prom-decorators-tls-'));
  const file = (name: string) => join(directory, name);
  const binary = requireBinary('openssl');
  const openssl = (...args: string[]) => execFileSync(binary, args, { stdio: 'pipe', timeout: 30_000 });
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    for (const ca of ['ca', 'stranger-ca']) {
      openssl('req', '-x509', ...ecKey, '-keyout', file(`${ca}.key`), '-out', file(`${ca}.crt`), '-days', '1', '-subj', `/CN=prom-decorators test ${ca}`);
    }
    const issue = (name: string, subject: string, extensions: string, ca: string) => {
      writeFileSync(file(`${name}.ext`), extensions);
      openssl('req', '-new', ...ecKey, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', subject);
      openssl('x509', '-req', '-in', file(`${name}.csr`), '-CA', file(`${ca}.crt`), '-CAkey', file(`${ca}.key`), '-CAcreateserial', '-out', file(`${name}.crt`), '-days', '1', '-extfile', file(`${name}.ext`));
    };
    issue('server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n', 'ca');
    issue('client', '/CN=prometheus', 'extendedKeyUsage=clientAuth\n', 'ca');
    issue('stranger', '/CN=stranger', 'extendedKeyUsage=clientAuth\n', 'stranger-ca');
    const read = (name: string) => readFileSync(file(name));
    return {
      ca: read('ca.crt'),
      serverKey: read('server.key'),
      serverCert: read('server.crt'),
      clientKey: read('client.key'),
      clientCert: read('client.crt'),
      strangerKey: read('stranger.key'),
      strangerCert: read('stranger.crt'),
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
