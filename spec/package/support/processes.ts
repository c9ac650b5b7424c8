/**
 * Child processes of the packaging specs: npm, npx, node and the tools they start. Every
 * command is bounded in time and runs in a process group of its own, so a timeout ends npm's
 * children too (a plain `timeout` would kill npm and leave its scripts running).
 */
import { spawn, spawnSync } from 'node:child_process';
import { dirname, delimiter } from 'node:path';

export interface Finished {
  /** The exit status, or null when a signal ended the command. */
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}

/** Ends a process group this spec started; it may be gone already. */
function endGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Runs a command to its end (or to `timeoutMs`); never rejects for a failing command, so specs assert on what it printed. */
export function run(command: string, args: readonly string[], options: RunOptions): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      endGroup(child.pid);
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not start ${command}: ${error.message}`));
    });
    // Whatever the command leaves behind in its group (a script's server, a stuck npm child)
    // goes with it: such a process would hold the pipes open and delay 'close' to the timeout.
    child.once('exit', () => endGroup(child.pid));
    child.once('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, timedOut });
    });
  });
}

/** What a failed command printed, for the message of the spec that needed it. */
export function describeFailure(command: string, args: readonly string[], result: Finished): string {
  const end = result.timedOut ? 'timed out' : result.signal !== null ? `ended by ${result.signal}` : `exited with ${result.status}`;
  return `\`${[command, ...args].join(' ')}\` ${end}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

/** Runs a command that must succeed; resolves with its stdout, or rejects with everything it printed. */
export async function mustRun(command: string, args: readonly string[], options: RunOptions): Promise<string> {
  const result = await run(command, args, options);
  if (result.status !== 0) throw new Error(describeFailure(command, args, result));
  return result.stdout;
}

export interface RunningService {
  /** Resolves with stdout so far once it contains `text`; rejects when the service exits first or after `timeoutMs`. */
  waitForOutput(text: string, timeoutMs: number): Promise<string>;
  /** stderr so far. */
  errors(): string;
  /** Ends the service and its process group; resolves once it has exited. */
  stop(): Promise<void>;
}

/** Starts a long-running command (a server), in its own process group. */
export function startService(command: string, args: readonly string[], options: Omit<RunOptions, 'timeoutMs'>): RunningService {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let exited = false;
  const onChange: (() => void)[] = [];
  const changed = () => onChange.forEach((listener) => listener());
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    changed();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const closed = new Promise<void>((resolve) => {
    child.once('close', () => {
      exited = true;
      changed();
      resolve();
    });
    child.once('error', (error) => {
      stderr += `could not start ${command}: ${error.message}\n`;
      exited = true;
      changed();
      resolve();
    });
  });
  return {
    waitForOutput: (text, timeoutMs) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`\`${command} ${args.join(' ')}\` did not print ${JSON.stringify(text)} in ${timeoutMs} ms\n--- stdout\n${stdout}\n--- stderr\n${stderr}`)), timeoutMs);
        const check = () => {
          if (stdout.includes(text)) {
            clearTimeout(timer);
            resolve(stdout);
          } else if (exited) {
            clearTimeout(timer);
            reject(new Error(`\`${command} ${args.join(' ')}\` exited before printing ${JSON.stringify(text)}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
          }
        };
        onChange.push(check);
        check();
      }),
    errors: () => stderr,
    stop: async () => {
      if (!exited) endGroup(child.pid);
      await closed;
    },
  };
}

/**
 * The environment of a consumer app: this process's, without what would make it something
 * else. jest.config.js sets PROM_DECORATORS_CLIENT for the repository's own specs (a fresh
 * app has no such variable); `npm test` exports npm_* settings of this project (its prefix,
 * its package.json) that must not leak into another project's npm; jest may force colours.
 * `node` comes first on PATH, so npm, npx and the bins all run on the Node under test.
 */
export function consumerEnvironment(node: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name === 'PROM_DECORATORS_CLIENT' || name === 'INIT_CWD' || name === 'FORCE_COLOR' || /^npm_/i.test(name)) continue;
    environment[name] = value;
  }
  return {
    ...environment,
    PATH: [dirname(node), process.env.PATH ?? ''].join(delimiter),
    NO_COLOR: '1',
    npm_config_update_notifier: 'false',
    ...extra,
  };
}

/** `v24.22.3` for a node binary; throws naming the binary when it is none. */
export function nodeVersion(node: string): string {
  const result = spawnSync(node, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (result.status !== 0) throw new Error(`${node} is not a working node binary (${result.error?.message ?? result.stderr})`);
  return result.stdout.trim();
}

/** The major version of a node binary. */
export function nodeMajor(node: string): number {
  return Number(/^v(\d+)\./.exec(nodeVersion(node))?.[1]);
}
