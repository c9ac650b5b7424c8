/** Command-line flags of `npm run demo` and `npm run load`. */
import { parseArgs } from 'node:util';

export const DEMO_USAGE = `Usage: npm run demo -- [options]
  --port <n>           app port (default 8000; 0 picks a free one)
  --metrics-port <n>   metrics port (default 8001)
  --host <address>     interface to bind (default: all interfaces)
  --local              bind 127.0.0.1 only (same as --host 127.0.0.1)
  --load               also drive the app with the built-in load generator
  --duration <s>       with --load: stop the load after this many seconds (default: until Ctrl-C)
  --concurrency <n>    with --load: requests in flight (default 8)
  --help`;

export const LOAD_USAGE = `Usage: npm run load -- [options]
  --url <url>          the demo app (default http://localhost:8000)
  --duration <s>       how long to send requests (default 60)
  --requests <n>       send this many requests instead
  --concurrency <n>    requests in flight (default 8)
  --help`;

export interface DemoFlags {
  help: boolean;
  port: number;
  metricsPort: number;
  host?: string;
  load: boolean;
  durationSeconds?: number;
  concurrency: number;
}

export interface LoadFlags {
  help: boolean;
  url: string;
  durationSeconds?: number;
  requests?: number;
  concurrency: number;
}

export function parseDemoFlags(argv: readonly string[]): DemoFlags {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      'metrics-port': { type: 'string' },
      host: { type: 'string' },
      local: { type: 'boolean' },
      load: { type: 'boolean' },
      duration: { type: 'string' },
      concurrency: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.local && values.host !== undefined && values.host !== '127.0.0.1') throw new Error('--local and --host disagree: pass one of them');
  return {
    help: values.help ?? false,
    port: port(values.port, '--port', 8000),
    metricsPort: port(values['metrics-port'], '--metrics-port', 8001),
    host: values.local ? '127.0.0.1' : values.host,
    load: values.load ?? false,
    durationSeconds: positive(values.duration, '--duration'),
    concurrency: positive(values.concurrency, '--concurrency') ?? 8,
  };
}

export function parseLoadFlags(argv: readonly string[]): LoadFlags {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      url: { type: 'string' },
      duration: { type: 'string' },
      requests: { type: 'string' },
      concurrency: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const requests = positive(values.requests, '--requests');
  const url = values.url ?? 'http://localhost:8000';
  try {
    new URL(url);
  } catch {
    throw new Error(`--url ${url}: not a URL, e.g. http://localhost:8000`);
  }
  return {
    help: values.help ?? false,
    url,
    requests,
    durationSeconds: positive(values.duration, '--duration') ?? (requests === undefined ? 60 : undefined),
    concurrency: positive(values.concurrency, '--concurrency') ?? 8,
  };
}

function port(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${flag} ${text}: expected a port number from 0 to 65535`);
  return value;
}

function positive(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${flag} ${text}: expected a positive number`);
  return value;
}
