/**
 * The commands a newcomer runs: `npm run demo` (demo/main.ts) and `npm run load`
 * (demo/load-main.ts), compiled as `npm run compile` does, run as child processes on
 * loopback ephemeral ports and stopped with SIGINT, as Ctrl-C does.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';

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

/** Starts the compiled demo and resolves with its output so far once `until` shows up in it. */
function startMain(args: string[], until: RegExp): Promise<{ child: ChildProcess; output: () => string; exit: Promise<number | null> }> {
  const child = spawn(process.execPath, [join(out, 'demo/main.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let text = '';
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not print ${until} in 30 s:\n${text}`)), 30_000);
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (until.test(text)) {
        clearTimeout(timer);
        resolve({ child, output: () => text, exit });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo exited with ${code}:\n${text}`));
    });
  });
}

describe('npm run demo', () => {
  it('prints where to look, runs the built-in load with a summary, and stops on Ctrl-C', async () => {
    const demo = await startMain(['--port', '0', '--metrics-port', '0', '--local', '--load', '--duration', '1', '--concurrency', '2'], /The app keeps serving/);
    const text = demo.output();
    expect(text).toMatch(/^ {2}app {7}http:\/\/127\.0\.0\.1:\d+\/$/m);
    expect(text).toMatch(/^ {2}metrics {3}http:\/\/127\.0\.0\.1:\d+\/metrics$/m);
    expect(text).toContain('GET      /treecounter');
    expect(text).toMatch(/load finished: \d+ requests in [\d.]+ s/);
    demo.child.kill('SIGINT');
    expect(await demo.exit).toBe(0);
    expect(demo.output()).toContain('Ctrl-C: stopping the demo...\nstopped.');
  });

  it('npm run load drives a running demo and prints its summary', async () => {
    const demo = await startMain(['--port', '0', '--metrics-port', '0', '--local'], /Ctrl-C stops\./);
    const app = /app {7}(http:\/\/127\.0\.0\.1:\d+)\//.exec(demo.output())![1];
    const load = spawnSync(process.execPath, [join(out, 'demo/load-main.js'), '--url', app, '--requests', '40', '--concurrency', '4'], { encoding: 'utf8', timeout: 60_000 });
    expect(load.status).toBe(0);
    expect(load.stdout).toContain(`load: 40 requests against ${app}, 4 in flight`);
    expect(load.stdout).toMatch(/^40 requests in [\d.]+ s \([\d.]+ req\/s\), \d+ errors/m);
    expect(load.stdout).toMatch(/status codes: .*200: \d+/);
    demo.child.kill('SIGINT');
    expect(await demo.exit).toBe(0);
  });

  it('says which flag is wrong, and which port is taken', async () => {
    const bad = spawnSync(process.execPath, [join(out, 'demo/main.js'), '--port', 'eighty'], { encoding: 'utf8', timeout: 20_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^--port eighty: expected a port number from 0 to 65535\n\nUsage: npm run demo/);

    const first = await startMain(['--port', '0', '--metrics-port', '0', '--local'], /Ctrl-C stops\./);
    const port = /app {7}http:\/\/127\.0\.0\.1:(\d+)\//.exec(first.output())![1];
    const taken = spawnSync(process.execPath, [join(out, 'demo/main.js'), '--port', port, '--metrics-port', '0', '--local'], { encoding: 'utf8', timeout: 20_000 });
    expect(taken.status).toBe(1);
    expect(taken.stderr).toContain('EADDRINUSE');
    expect(taken.stderr).toContain('pick other ports with --port and --metrics-port');
    first.child.kill('SIGINT');
    expect(await first.exit).toBe(0);
  });
});
