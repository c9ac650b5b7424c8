/**
 * Runs the real Prometheus (Debian's /usr/bin/prometheus) for a spec: loopback only, a
 * temporary config and data directory, and a close() that always stops it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { requireBinary } from '../../support/binaries.js';
import { httpRequest } from './http.js';


export interface Sample {
  metric: Record<string, string>;
  value: number;
}

export interface RunningPrometheus {
  url: string;
  /** An instant query; the vector's samples (a scalar comes back as one sample without labels). */
  query(expr: string): Promise<Sample[]>;
  /** GET an API path, parsed. */
  api(path: string): Promise<unknown>;
  /** What Prometheus logged, for failure messages. */
  logs(): string;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface PrometheusOptions {
  /** A scratch directory: the config, the rule files and the TSDB go there. */
  dir: string;
  /** `host:port` of the metrics endpoint to scrape. */
  target: string;
  /** Rule files' contents, by file name. */
  ruleFiles?: Record<string, string>;
}

/** Starts Prometheus scraping `target` every second and waits until it is ready. */
export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const binary = requireBinary('prometheus');
  const ruleNames = Object.keys(options.ruleFiles ?? {});
  for (const name of ruleNames) writeFileSync(join(options.dir, name), options.ruleFiles![name]);
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    '  evaluation_interval: 1s',
    ...(ruleNames.length > 0 ? ['rule_files:', ...ruleNames.map((name) => `  - ${name}`)] : []),
    'scrape_configs:',
    '  - job_name: demo',
    '    static_configs:',
    `      - targets: ['${options.target}']`,
    '',
  ].join('\n');
  writeFileSync(join(options.dir, 'prometheus.yml'), config);
  mkdirSync(join(options.dir, 'data'), { recursive: true });

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${join(options.dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(options.dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // If jest's worker dies, Prometheus must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const close = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  const prometheus: RunningPrometheus = {
    url,
    logs: () => output,
    close,
    api: async (path) => {
      const answer = await httpRequest(`${url}${path}`);
      if (answer.status !== 200) throw new Error(`Prometheus ${path}: ${answer.status} ${answer.body}`);
      return JSON.parse(answer.body);
    },
    query: async (expr) => {
      const { data } = (await prometheus.api(`/api/v1/query?query=${encodeURIComponent(expr)}`)) as { data: { resultType: string; result: unknown } };
      if (data.resultType === 'scalar') return [{ metric: {}, value: Number((data.result as [number, string])[1]) }];
      return (data.result as { metric: Record<string, string>; value: [number, string] }[]).map((sample) => ({ metric: sample.metric, value: Number(sample.value[1]) }));
    },
  };
  try {
    await waitFor(`Prometheus ready on ${url}`, 30_000, async () => {
      if (child.exitCode !== null) throw new Error(`Prometheus exited with ${child.exitCode}:\n${output}`);
      return (await httpRequest(`${url}/-/ready`).catch(() => ({ status: 0 }))).status === 200;
    });
  } catch (error) {
    await close();
    throw error;
  }
  return prometheus;
}

/** Polls `check` every 200 ms until it is true; fails after `timeoutMs` naming `what`. */
export async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
