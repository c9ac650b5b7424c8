import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { requireBinary } from '../support/binaries.js';

export interface FetchedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The bytes as sent. */
  raw: Buffer;
  /** The body as text, gunzipped when Content-Encoding says gzip. */
  text: string;
}

export interface FetchOptions {
  method?: string;
  headers?: Record<string, string>;
  /** Extra options for https (ca, key, cert). */
  tls?: RequestOptions;
}

/** One real HTTP(S) request on loopback; collects the whole body. */
export function fetchUrl(url: string, options: FetchOptions = {}): Promise<FetchedResponse> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false, ...(options.tls ?? {}) },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const raw = Buffer.concat(chunks);
          const text = response.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
          resolve({ status: response.statusCode ?? 0, headers: response.headers, raw, text });
        });
      },
    );
    request.setTimeout(15_000, () => request.destroy(new Error(`request to ${url} timed out`)));
    request.on('error', reject);
    request.end();
  });
}

/** The exposition lines of one family's samples (no comments), for exact assertions. */
export function sampleLines(text: string, prefix: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(prefix) && !line.startsWith('#'));
}

/** When this spec file's module was loaded: every series a spec creates was created after it. */
const LOADED_AT_SECONDS = Date.now() / 1000;

/**
 * `lines` with each `_created` sample's value checked (a time of this run, in seconds, not in
 * the future) and written as `<created>`, so a spec can list the lines exactly.
 */
export function withCreatedChecked(lines: string[]): string[] {
  return lines.map((line) => {
    const match = /^(\w+_created(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match === null) return line;
    const seconds = Number(match[2]);
    if (!(seconds >= Math.floor(LOADED_AT_SECONDS) - 1 && seconds <= Date.now() / 1000 + 1)) return `${match[1]} ${match[2]} (not a time of this run)`;
    return `${match[1]} <created>`;
  });
}

/** `promtool check metrics` on a text-format exposition: exit code and what it printed. */
export function promtoolCheckMetrics(text: string): { status: number | null; output: string } {
  const result = spawnSync(requireBinary('promtool'), ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 20_000 });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/**
 * Parses an OpenMetrics exposition with Prometheus' strict OpenMetrics parser, the one
 * `promtool tsdb create-blocks-from openmetrics` uses. That command needs a timestamp on
 * every sample, so one is added to each sample line (before any exemplar) first.
 */
export function promtoolParseOpenMetrics(text: string): { status: number | null; output: string } {
  const promtool = requireBinary('promtool');
  const directory = mkdtempSync(join(tmpdir(), 'prom-decorators-om-'));
  try {
    const stamped = text
      .split('\n')
      .map((line) => {
        if (line === '' || line.startsWith('#')) return line;
        const exemplarAt = line.indexOf(' # {');
        return exemplarAt < 0 ? `${line} 1700000000` : `${line.slice(0, exemplarAt)} 1700000000${line.slice(exemplarAt)}`;
      })
      .join('\n');
    writeFileSync(join(directory, 'input.om'), stamped);
    const result = spawnSync(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', join(directory, 'input.om'), join(directory, 'blocks')], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (result.error) throw result.error;
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

export const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

/** What Prometheus 2.42 sends with --enable-feature=native-histograms: protobuf first (`scrapeAcceptHeaderWithProtobuf`). */
export const PROMETHEUS_PROTOBUF_ACCEPT =
  'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
