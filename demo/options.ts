/** Command-line flags of `npm run demo` and `npm run load`. */
import { parseArgs } from 'node:util';

/** The built-in traffic's default: enough for every graph to move, little enough to forget it runs. */
export const GENTLE_RATE = 5;
const DEFAULT_CONCURRENCY = 8;

export const DEMO_USAGE = `Usage: npm run demo -- [options]
  --port <n>           app port (default 8000; 0 picks a free one)
  --metrics-port <n>   metrics port (default 8001; 0 picks a free one)
  --host <address>     address both servers bind (default 127.0.0.1: this machine only;
                       0.0.0.0 or :: listens on every interface, as a container needs)
  --local              bind 127.0.0.1 only: the default now, kept for old scripts
  --no-load            no built-in traffic: the metrics move only when something calls the app
  --rate <n>           built-in traffic: requests per second (default ${GENTLE_RATE})
  --load               built-in traffic as fast as --concurrency allows, instead of --rate
  --duration <s>       stop the built-in traffic after this many seconds (default: until Ctrl-C)
  --concurrency <n>    built-in traffic: requests in flight at most (default ${DEFAULT_CONCURRENCY})
  --help`;

export const LOAD_USAGE = `Usage: npm run load -- [options]
  --url <url>          the demo app (default http://localhost:8000)
  --duration <s>       how long to send requests (default 60)
  --requests <n>       send this many requests instead
  --concurrency <n>    requests in flight (default ${DEFAULT_CONCURRENCY})
  --help`;

export interface DemoFlags {
  help: boolean;
  port: number;
  metricsPort: number;
  host: string;
  /** The built-in traffic; undefined with --no-load. */
  traffic?: TrafficFlags;
}

export interface TrafficFlags {
  /** Requests per second; undefined with --load: as fast as `concurrency` allows. */
  ratePerSecond?: number;
  /** Undefined: until Ctrl-C. */
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
      // Its own flag, not parseArgs' allowNegative: that needs Node 20.16, the package supports 20.0.
      'no-load': { type: 'boolean' },
      rate: { type: 'string' },
      load: { type: 'boolean' },
      duration: { type: 'string' },
      concurrency: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.local && values.host !== undefined && values.host !== '127.0.0.1') throw new Error('--local and --host disagree: pass one of them');
  if (values.load && values.rate !== undefined) throw new Error('--load and --rate disagree: --load sends as fast as it can, --rate <n> n per second; pass one of them');
  const trafficFlag = (['load', 'rate', 'duration', 'concurrency'] as const).find((name) => values[name] !== undefined);
  if (values['no-load'] && trafficFlag !== undefined) throw new Error(`--no-load turns the built-in traffic off: drop --${trafficFlag}, or drop --no-load`);
  return {
    help: values.help ?? false,
    port: port(values.port, '--port', 8000),
    metricsPort: port(values['metrics-port'], '--metrics-port', 8001),
    host: values.host ?? '127.0.0.1',
    traffic: values['no-load']
      ? undefined
      : {
          ratePerSecond: values.load ? undefined : (positive(values.rate, '--rate') ?? GENTLE_RATE),
          durationSeconds: positive(values.duration, '--duration'),
          concurrency: positive(values.concurrency, '--concurrency') ?? DEFAULT_CONCURRENCY,
        },
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
    concurrency: positive(values.concurrency, '--concurrency') ?? DEFAULT_CONCURRENCY,
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
