/**
 * Nest 12 is ESM-only, which jest's module system cannot load: the Nest apps of these specs
 * run in plain node child processes, on the TypeScript sources (transpiled in memory by
 * spec/exposition/fixtures/ts-register.js, with emitDecoratorMetadata as tsc emits it), and
 * the specs talk to them over HTTP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { stopChild } from '../../exposition/processes.js';

const TS_REGISTER = join(__dirname, '../../exposition/fixtures/ts-register.js');

export interface RunningFixture {
  /** The JSON line the fixture printed first. */
  output: unknown;
  /** What it wrote to stderr so far. */
  errors(): string;
  stop(): Promise<void>;
}

/** Starts `fixtures/<name>.ts` with `args` under `node`; resolves with its first stdout line parsed as JSON. */
export function startFixture(name: string, args: readonly string[], timeoutMs: number, node = process.execPath): Promise<RunningFixture> {
  const child: ChildProcess = spawn(node, ['-r', TS_REGISTER, join(__dirname, '../fixtures', `${name}.ts`), ...args], {
    cwd: join(__dirname, '../../..'),
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      void stopChild(child).then(() => reject(new Error(`fixtures/${name}.ts ${args.join(' ')} ${why}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`)));
    };
    const timer = setTimeout(() => fail(`printed no line in ${timeoutMs} ms`), timeoutMs);
    child.once('exit', (code, signal) => fail(`exited (${code ?? signal}) before printing a line`));
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const end = stdout.indexOf('\n');
      if (end < 0) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ output: JSON.parse(stdout.slice(0, end)), errors: () => stderr, stop: () => stopChild(child) });
    });
  });
}
