/**
 * Where the demo's two servers listen: 127.0.0.1 unless told otherwise, checked from the
 * outside (a TCP connect to another address of this machine must be refused), not only
 * from what the servers say.
 */
import { startDemo, type RunningDemo } from '../../demo/server.js';
import { httpRequest } from './support/http.js';
import { connects, nonLoopbackIPv4 } from './support/network.js';
import { freePort } from './support/prometheus.js';

const OTHER_ADDRESS = nonLoopbackIPv4();
/** The checks through another address of this machine need one; containers and CI have one. */
const withOtherAddress = OTHER_ADDRESS === undefined ? it.skip : it;

const started: RunningDemo[] = [];
async function start(host?: string): Promise<RunningDemo> {
  const demo = await startDemo({ host, port: 0, metricsPort: 0 });
  started.push(demo);
  return demo;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((demo) => demo.close()));
});

describe('the demo servers', () => {
  it('bind 127.0.0.1 by default, and say so in their URLs', async () => {
    const demo = await start();
    expect(demo.address).toBe('127.0.0.1');
    expect(demo.appUrl).toBe(`http://127.0.0.1:${demo.port}/`);
    expect(demo.metricsUrl).toBe(`http://127.0.0.1:${demo.metricsPort}/metrics`);
    expect((await httpRequest(demo.metricsUrl)).status).toBe(200);
    expect([await connects('127.0.0.1', demo.port), await connects('127.0.0.1', demo.metricsPort)]).toEqual([true, true]);
  });

  withOtherAddress(`refuse connections through this machine's other address (${OTHER_ADDRESS}) by default`, async () => {
    const demo = await start();
    expect([await connects(OTHER_ADDRESS!, demo.port), await connects(OTHER_ADDRESS!, demo.metricsPort)]).toEqual([false, false]);
  });

  withOtherAddress('with host 0.0.0.0, accept connections through every address, and print loopback URLs', async () => {
    const demo = await start('0.0.0.0');
    expect(demo.address).toBe('0.0.0.0');
    expect(demo.appUrl).toBe(`http://127.0.0.1:${demo.port}/`);
    expect([await connects(OTHER_ADDRESS!, demo.port), await connects(OTHER_ADDRESS!, demo.metricsPort)]).toEqual([true, true]);
    expect((await httpRequest(`http://${OTHER_ADDRESS}:${demo.metricsPort}/metrics`)).status).toBe(200);
  });

  withOtherAddress('with host set to that other address, listen there and no longer on loopback', async () => {
    const demo = await start(OTHER_ADDRESS);
    expect(demo.address).toBe(OTHER_ADDRESS);
    expect(demo.metricsUrl).toBe(`http://${OTHER_ADDRESS}:${demo.metricsPort}/metrics`);
    expect([await connects(OTHER_ADDRESS!, demo.port), await connects(OTHER_ADDRESS!, demo.metricsPort)]).toEqual([true, true]);
    expect([await connects('127.0.0.1', demo.port), await connects('127.0.0.1', demo.metricsPort)]).toEqual([false, false]);
  });

  it('resolve a host name once, so both servers are on the address the URLs show', async () => {
    const demo = await start('localhost');
    expect(['127.0.0.1', '::1']).toContain(demo.address);
    expect((await httpRequest(demo.appUrl)).status).toBe(200);
    expect((await httpRequest(demo.metricsUrl)).status).toBe(200);
  });

  it('when the metrics port is taken, reject with the listen error and free the app port', async () => {
    const first = await start();
    const appPort = await freePort();
    await expect(startDemo({ port: appPort, metricsPort: first.metricsPort })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(await connects('127.0.0.1', appPort)).toBe(false);
  });
});
