/**
 * The real Prometheus 2.42 (Debian) with --enable-feature=native-histograms,exemplar-storage,
 * scraping one registry two ways on loopback, for the native-histogram end-to-end specs:
 * job `protobuf` as Prometheus with native histograms asks (protobuf first, the Accept it
 * sends is recorded), job `openmetrics` as one without them asks (OpenMetrics first).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metricsHandler } from '../../lib';
import type { MetricsEndpointOptions } from '../../lib/exposition/scrape';
import { requireBinary } from '../support/binaries.js';
import { fetchUrl, PROMETHEUS_ACCEPT } from './http-client';
import { freePort, stopChild } from './processes';

export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface NativePrometheus {
  /** The app's /metrics as the protobuf job scrapes it. */
  appUrl: string;
  prometheusUrl: string;
  /** Each scrape of the protobuf job: the Accept it sent and the Content-Type it got. */
  protobufScrapes: { accept: string | undefined; contentType: string }[];
  /** What Prometheus logged so far. */
  logs(): string;
  query(expr: string): Promise<Sample[]>;
  values(expr: string): Promise<number[]>;
  /** Polls `probe` every 100 ms until it gives a value; fails after `limitMs` naming `what`, with Prometheus' log. */
  waitFor<T>(what: string, limitMs: number, probe: () => Promise<T | undefined> | T | undefined): Promise<T>;
  /** Stops Prometheus and the app's servers, and removes the data folder. */
  stop(): Promise<void>;
}

async function listen(servers: Server[], server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function startNativePrometheus(registry: MetricsEndpointOptions['registry'], folderPrefix: string): Promise<NativePrometheus> {
  const binary = requireBinary('prometheus');
  const directory = mkdtempSync(join(tmpdir(), folderPrefix));
  const servers: Server[] = [];
  const protobufScrapes: NativePrometheus['protobufScrapes'] = [];
  let logs = '';
  let prometheus: ChildProcess | undefined;
  const stop = async (): Promise<void> => {
    await stopChild(prometheus);
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    rmSync(directory, { recursive: true, force: true });
  };
  try {
    const handler = metricsHandler({ registry });
    const protobufTarget = await listen(
      servers,
      createServer((request, response) => {
        response.on('finish', () => protobufScrapes.push({ accept: request.headers.accept, contentType: String(response.getHeader('content-type')) }));
        handler(request, response);
      }),
    );
    const openMetricsTarget = await listen(
      servers,
      createServer((request, response) => {
        request.headers.accept = PROMETHEUS_ACCEPT;
        handler(request, response);
      }),
    );
    const port = await freePort();
    const prometheusUrl = `http://127.0.0.1:${port}`;
    writeFileSync(
      join(directory, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        'scrape_configs:',
        '  - job_name: protobuf',
        `    static_configs: [{ targets: ['${protobufTarget}'] }]`,
        '  - job_name: openmetrics',
        `    static_configs: [{ targets: ['${openMetricsTarget}'] }]`,
        '',
      ].join('\n'),
    );
    mkdirSync(join(directory, 'data'));
    prometheus = spawn(
      binary,
      [
        `--config.file=${join(directory, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(directory, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--enable-feature=native-histograms,exemplar-storage',
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stdout!.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    prometheus.stderr!.on('data', (chunk: Buffer) => (logs += chunk.toString()));

    const query = async (expr: string): Promise<Sample[]> => {
      const response = await fetchUrl(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const answer = JSON.parse(response.text) as { status: string; error?: string; data: { result: Sample[] } };
      if (answer.status !== 'success') throw new Error(`${expr}: ${answer.error}`);
      return answer.data.result;
    };
    return {
      appUrl: `http://${protobufTarget}/metrics`,
      prometheusUrl,
      protobufScrapes,
      logs: () => logs,
      query,
      values: async (expr) => (await query(expr)).map((sample) => Number(sample.value[1])),
      waitFor: async (what, limitMs, probe) => {
        const deadline = Date.now() + limitMs;
        while (Date.now() < deadline) {
          const value = await Promise.resolve(probe()).catch(() => undefined);
          if (value !== undefined) return value;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        throw new Error(`timed out waiting for ${what}\n${logs}`);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
