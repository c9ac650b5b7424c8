/**
 * What `npm run demo` prints at start: where it really listens, whether its built-in
 * traffic runs and how fast, the tutorials it ports, and how to stop it. A pure function,
 * so a spec can pin every line.
 */
import type { TrafficFlags } from './options.js';
import { ROUTES } from './routes.js';
import type { RunningDemo } from './server.js';
import { TUTORIALS } from './tutorials/sources.js';

export type BannerFacts = Pick<RunningDemo, 'appUrl' | 'metricsUrl' | 'metricsPort' | 'address'>;

export function formatBanner(demo: BannerFacts, traffic: TrafficFlags | undefined): string {
  return [
    'prom-decorators demo: five Prometheus tutorials ported to decorators, in one service',
    '',
    `  app       ${demo.appUrl}`,
    `  metrics   ${demo.metricsUrl}`,
    `  bound to  ${describeAddress(demo.address)}`,
    '',
    ...trafficLines(demo, traffic),
    '',
    'Tutorials:',
    ...TUTORIALS.map(({ name, title, from }) => `  ${name.padEnd(18)} "${title}"${from === undefined ? '' : ` (${from})`}`),
    '',
    'Routes:',
    ...ROUTES.map(([verb, route, what]) => `  ${verb.padEnd(8)} ${route.padEnd(28)} ${what}`),
    '',
    'Look at:',
    `  curl -s ${demo.metricsUrl} | grep -E '^(example_app|method_|requests_total)'`,
    `  prometheus --config.file=demo/prometheus.yml   ${prometheusNote(demo)}`,
    '  rate(example_app_total[1m]), rate(example_app_exceptions_total[1m]) / rate(example_app_total[1m])',
    '',
    traffic === undefined ? 'Ctrl-C stops both servers.' : 'Ctrl-C stops the traffic and both servers.',
  ].join('\n');
}

function trafficLines(demo: BannerFacts, traffic: TrafficFlags | undefined): string[] {
  if (traffic === undefined) {
    return [
      'Built-in traffic: off (--no-load): the metrics move only when something calls the app,',
      `  e.g. npm run load -- --url ${demo.appUrl.replace(/\/$/, '')}   in another terminal.`,
    ];
  }
  const until = traffic.durationSeconds === undefined ? 'until Ctrl-C' : `for ${traffic.durationSeconds} s`;
  if (traffic.ratePerSecond === undefined) {
    return [
      `Built-in traffic: on (--load), as fast as ${traffic.concurrency} requests in flight allow, over every route, ${until}.`,
      '  --no-load turns it off, --rate <n> sends n requests per second instead.',
    ];
  }
  const requests = traffic.ratePerSecond === 1 ? 'request' : 'requests';
  return [
    `Built-in traffic: on, ${traffic.ratePerSecond} ${requests} per second over every route (at most ${traffic.concurrency} in flight), ${until}.`,
    '  --no-load turns it off, --rate <n> sets the rate, --load sends as fast as it can.',
  ];
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}

function describeAddress(address: string): string {
  if (isLoopback(address)) return `${address}, loopback only: other machines cannot connect (--host 0.0.0.0 listens on every interface)`;
  if (address === '0.0.0.0') return '0.0.0.0, every IPv4 interface: other machines can connect';
  if (address === '::') return '::, every interface: other machines can connect';
  return `${address} only (not loopback: 127.0.0.1 cannot connect)`;
}

/** demo/prometheus.yml scrapes localhost:8001; say so when this demo is somewhere else. */
function prometheusNote(demo: BannerFacts): string {
  const reachedOnLocalhost = ['127.0.0.1', '::1', '0.0.0.0', '::'].includes(demo.address);
  if (reachedOnLocalhost && demo.metricsPort === 8001) return 'scrapes localhost:8001; then http://localhost:9090';
  return `scrapes localhost:8001: set its target to ${new URL(demo.metricsUrl).host} first`;
}
