/**
 * The commands a newcomer runs: `npm run demo` (demo/main.ts) and `npm run load`
 * (demo/load-main.ts), compiled as `npm run compile` does, run as child processes on
 * ephemeral ports with real HTTP, and stopped with SIGINT, as Ctrl-C does.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { formatBanner, type BannerFacts } from '../../demo/banner.js';
import { httpRequest, totalOf, valueIn } from './support/http.js';
import { connects, nonLoopbackIPv4 } from './support/network.js';

const ROOT = join(__dirname, '..', '..');
jest.setTimeout(120_000);

let out: string;
const running: ChildProcess[] = [];

beforeAll(() => {
  // Inside the repository (in the ignored .build/) so the compiled demo finds node_modules.
  mkdirSync(join(ROOT, '.build'), { recursive: true });
  out = mkdtempSync(join(ROOT, '.build', 'entry-spec-'));
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.run.json'), '--outDir', out, '--sourceMap', 'false'], { stdio: 'pipe', timeout: 110_000 });
});

afterAll(() => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(out, { recursive: true, force: true });
});

interface RunningMain {
  child: ChildProcess;
  stdout: () => string;
  output: () => string;
  exit: Promise<number | null>;
}

/** Starts the compiled demo and resolves once `until` shows up in its output (stdout and stderr). */
function startMain(args: string[], until: RegExp): Promise<RunningMain> {
  // The parent's environment, PROM_DECORATORS_CLIENT included (jest sets it), as npm run demo would pass it.
  const child = spawn(process.execPath, [join(out, 'demo/main.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  running.push(child);
  let text = '';
  let stdout = '';
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not print ${until} in 30 s:\n${text}`)), 30_000);
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (until.test(text)) {
        clearTimeout(timer);
        resolve({ child, stdout: () => stdout, output: () => text, exit });
      }
    };
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo exited with ${code}:\n${text}`));
    });
  });
}

/** Ctrl-C, as a user stops it: the demo must end by itself, with status 0. */
async function stopWithCtrlC(demo: RunningMain): Promise<void> {
  demo.child.kill('SIGINT');
  expect(await demo.exit).toBe(0);
}

/** What the banner's URLs say: the bound address and ports. */
function boundFacts(text: string): BannerFacts {
  const app = /^ {2}app {7}(http:\/\/(\S+?):\d+\/)$/m.exec(text);
  const metrics = /^ {2}metrics {3}(http:\/\/\S+?:(\d+)\/metrics)$/m.exec(text);
  if (app === null || metrics === null) throw new Error(`no app and metrics URLs in:\n${text}`);
  return { appUrl: app[1], metricsUrl: metrics[1], metricsPort: Number(metrics[2]), address: app[2] };
}

const BANNER_END = /Ctrl-C stops (the traffic and )?both servers\./;
const GENTLE = { ratePerSecond: 5, durationSeconds: undefined, concurrency: 8 };

describe('npm run demo', () => {
  it('with its defaults: binds 127.0.0.1 only, says so, and its own gentle traffic moves the counters at once', async () => {
    const demo = await startMain(['--port', '0', '--metrics-port', '0'], BANNER_END);
    const facts = boundFacts(demo.stdout());
    expect(facts.address).toBe('127.0.0.1');
    expect(demo.stdout()).toBe(`${formatBanner(facts, GENTLE)}\n`);
    const appPort = Number(new URL(facts.appUrl).port);
    const other = nonLoopbackIPv4();
    if (other !== undefined) expect([await connects(other, appPort), await connects(other, facts.metricsPort)]).toEqual([false, false]);

    const first = await httpRequest(facts.metricsUrl);
    const firstAt = performance.now();
    await sleep(2_000);
    const second = await httpRequest(facts.metricsUrl);
    const seconds = (performance.now() - firstAt) / 1000;
    const moved = totalOf(second.body, 'http_requests_total') - totalOf(first.body, 'http_requests_total');
    expect(moved).toBeGreaterThan(0);
    // Paced: at most the rate over the interval, one more start, and the requests in flight at the first scrape.
    expect(moved).toBeLessThanOrEqual(Math.ceil(GENTLE.ratePerSecond * seconds) + 1 + GENTLE.concurrency);

    await stopWithCtrlC(demo);
    expect(demo.stdout()).toBe(`${formatBanner(facts, GENTLE)}\n\nCtrl-C: stopping the demo...\nstopped.\n`);
    expect(demo.output()).toBe(demo.stdout()); // nothing on stderr: no warning, no failed request
  });

  it('with --no-load: no traffic, so the counters stay at zero and no request is recorded', async () => {
    const demo = await startMain(['--port', '0', '--metrics-port', '0', '--no-load'], BANNER_END);
    const facts = boundFacts(demo.stdout());
    expect(demo.stdout()).toBe(`${formatBanner(facts, undefined)}\n`);
    for (const pause of [0, 1_000]) {
      await sleep(pause);
      const { body } = await httpRequest(facts.metricsUrl);
      expect(body).not.toMatch(/^http_requests_total/m);
      expect([valueIn(body, 'example_app_total'), totalOf(body, 'method_calls_total'), totalOf(body, 'requests_total')]).toEqual([0, 0, 0]);
    }
    await stopWithCtrlC(demo);
  });

  it('with --host 0.0.0.0: binds every interface and says so', async () => {
    const demo = await startMain(['--port', '0', '--metrics-port', '0', '--no-load', '--host', '0.0.0.0'], BANNER_END);
    const facts = { ...boundFacts(demo.stdout()), address: '0.0.0.0' };
    expect(demo.stdout()).toBe(`${formatBanner(facts, undefined)}\n`);
    expect(demo.stdout()).toContain('\n  bound to  0.0.0.0, every IPv4 interface: other machines can connect\n');
    const other = nonLoopbackIPv4();
    if (other !== undefined) expect(await connects(other, facts.metricsPort)).toBe(true);
    await stopWithCtrlC(demo);
  });

  it('with --rate and --duration: sends exactly the paced requests, sums them up, and keeps serving', async () => {
    const demo = await startMain(['--port', '0', '--metrics-port', '0', '--rate', '2', '--duration', '1'], /The app keeps serving/);
    // Starts at 0 and 500 ms; the next one would fall after the second.
    expect(demo.stdout()).toMatch(/\nbuilt-in traffic finished \(--duration 1\): 2 requests in [\d.]+ s/);
    await stopWithCtrlC(demo);
  });

  it('with --load: as fast as --concurrency allows, for --duration, then a summary', async () => {
    const demo = await startMain(['--port', '0', '--metrics-port', '0', '--load', '--duration', '1', '--concurrency', '2'], /The app keeps serving/);
    const text = demo.stdout();
    expect(text).toContain('\nBuilt-in traffic: on (--load), as fast as 2 requests in flight allow, over every route, for 1 s.\n');
    expect(text).toMatch(/\nbuilt-in traffic finished \(--duration 1\): \d+ requests in [\d.]+ s/);
    expect(text).toContain(`The app keeps serving: ${boundFacts(text).appUrl} (metrics ${boundFacts(text).metricsUrl}). Ctrl-C stops it.`);
    await stopWithCtrlC(demo);
    expect(demo.stdout()).toMatch(/Ctrl-C: stopping the demo\.\.\.\nstopped\.\n$/);
  });

  it('npm run load drives a running demo and prints its summary', async () => {
    const demo = await startMain(['--port', '0', '--metrics-port', '0', '--no-load'], BANNER_END);
    const app = boundFacts(demo.stdout()).appUrl.replace(/\/$/, '');
    const load = spawnSync(process.execPath, [join(out, 'demo/load-main.js'), '--url', app, '--requests', '40', '--concurrency', '4'], { encoding: 'utf8', timeout: 60_000, env: process.env });
    expect(load.status).toBe(0);
    expect(load.stdout).toContain(`load: 40 requests against ${app}, 4 in flight`);
    expect(load.stdout).toMatch(/^40 requests in [\d.]+ s \([\d.]+ req\/s\), \d+ errors/m);
    expect(load.stdout).toMatch(/status codes: .*200: \d+/);
    await stopWithCtrlC(demo);
  });

  it('says which flag is wrong, and which port is taken', async () => {
    const bad = spawnSync(process.execPath, [join(out, 'demo/main.js'), '--port', 'eighty'], { encoding: 'utf8', timeout: 20_000, env: process.env });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^--port eighty: expected a port number from 0 to 65535\n\nUsage: npm run demo/);

    const first = await startMain(['--port', '0', '--metrics-port', '0', '--no-load'], BANNER_END);
    const port = new URL(boundFacts(first.stdout()).appUrl).port;
    const taken = spawnSync(process.execPath, [join(out, 'demo/main.js'), '--port', port, '--metrics-port', '0'], { encoding: 'utf8', timeout: 20_000, env: process.env });
    expect(taken.status).toBe(1);
    expect(taken.stderr).toContain('EADDRINUSE');
    expect(taken.stderr).toContain('pick other ports with --port and --metrics-port');
    await stopWithCtrlC(first);
  });
});
