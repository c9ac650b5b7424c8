/**
 * The start-up banner of `npm run demo`, line by line: where it listens, whether its
 * traffic runs and how fast, the tutorials it ports, and how to stop it.
 */
import { formatBanner, type BannerFacts } from '../../demo/banner.js';

const LOCAL: BannerFacts = { appUrl: 'http://127.0.0.1:8000/', metricsUrl: 'http://127.0.0.1:8001/metrics', metricsPort: 8001, address: '127.0.0.1' };
const GENTLE = { ratePerSecond: 5, durationSeconds: undefined, concurrency: 8 };

/** The lines of `text` from the one starting with `first`, as many as `count`. */
const linesFrom = (text: string, first: string, count: number) => {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.startsWith(first));
  return lines.slice(start, start + count);
};

describe('the demo banner', () => {
  it('with the defaults: loopback addresses, the gentle traffic and its rate, the tutorials by title and source, how to stop', () => {
    expect(formatBanner(LOCAL, GENTLE)).toBe(
      [
        'prom-decorators demo: five Prometheus tutorials ported to decorators, in one service',
        '',
        '  app       http://127.0.0.1:8000/',
        '  metrics   http://127.0.0.1:8001/metrics',
        '  bound to  127.0.0.1, loopback only: other machines cannot connect (--host 0.0.0.0 listens on every interface)',
        '',
        'Built-in traffic: on, 5 requests per second over every route (at most 8 in flight), until Ctrl-C.',
        '  --no-load turns it off, --rate <n> sets the rate, --load sends as fast as it can.',
        '',
        'Tutorials:',
        '  French TP          "TP - appareiller une application pour Prometheus"',
        '  PyCon workshop     "Observing Python Applications with Prometheus" (PyConES 2023, by @simpcyclassy and others)',
        '  Flask tutorial     "Application Instrumentation in Practice"',
        '  Japanese tutorial  "PythonのPrometheus Clientを試してみる" (CLOVER🍀, the blog of Kazuhira)',
        '  AYS jobs           "Instrumenting a python application" (a proof of concept on the AYS API server)',
        '',
        'Routes:',
        '  GET      /                            home page counter (Flask tutorial)',
        '  GET      /about                       about page counter (Flask tutorial)',
        '  GET      /example                     example app: 20% exceptions, slow 5% of the time, sales (French TP; ?fail=1, ?delay=0.3)',
        '  GET      /treecounter                 trees planted, requests_total{status,endpoint} (PyCon workshop; ?fail=1)',
        '  GET      /add/<n>, /remove/<n>        a list whose size is the gauge list_size (Flask tutorial)',
        '  GET      /repos/<user>/<repo>         a simulated upstream call, histogram and summary (Flask tutorial)',
        '  GET|POST /echo, /index, <any>/error   GET/POST server, /error paths throw (Japanese tutorial)',
        '  GET      /jobs/run                    runs a job: ok, error or timeout (AYS jobs; ?outcome=timeout)',
        '',
        'Look at:',
        "  curl -s http://127.0.0.1:8001/metrics | grep -E '^(example_app|method_|requests_total)'",
        '  prometheus --config.file=demo/prometheus.yml   scrapes localhost:8001; then http://localhost:9090',
        '  rate(example_app_total[1m]), rate(example_app_exceptions_total[1m]) / rate(example_app_total[1m])',
        '',
        'Ctrl-C stops the traffic and both servers.',
      ].join('\n'),
    );
  });

  it('with --no-load: the traffic is off, and how to send some', () => {
    const text = formatBanner(LOCAL, undefined);
    expect(linesFrom(text, 'Built-in traffic', 2)).toEqual([
      'Built-in traffic: off (--no-load): the metrics move only when something calls the app,',
      '  e.g. npm run load -- --url http://127.0.0.1:8000   in another terminal.',
    ]);
    expect(text.endsWith('\n\nCtrl-C stops both servers.')).toBe(true);
  });

  it('with --load, --rate and --duration: the rate or its absence, and when the traffic ends', () => {
    expect(linesFrom(formatBanner(LOCAL, { ratePerSecond: undefined, durationSeconds: 60, concurrency: 16 }), 'Built-in traffic', 2)).toEqual([
      'Built-in traffic: on (--load), as fast as 16 requests in flight allow, over every route, for 60 s.',
      '  --no-load turns it off, --rate <n> sends n requests per second instead.',
    ]);
    expect(linesFrom(formatBanner(LOCAL, { ratePerSecond: 1, durationSeconds: 0.5, concurrency: 8 }), 'Built-in traffic', 1)).toEqual([
      'Built-in traffic: on, 1 request per second over every route (at most 8 in flight), for 0.5 s.',
    ]);
  });

  it.each([
    ['0.0.0.0', 'http://127.0.0.1:8001/metrics', '0.0.0.0, every IPv4 interface: other machines can connect', 'scrapes localhost:8001; then http://localhost:9090'],
    ['::', 'http://[::1]:8001/metrics', '::, every interface: other machines can connect', 'scrapes localhost:8001; then http://localhost:9090'],
    ['::1', 'http://[::1]:8001/metrics', '::1, loopback only: other machines cannot connect (--host 0.0.0.0 listens on every interface)', 'scrapes localhost:8001; then http://localhost:9090'],
    ['192.0.2.2', 'http://192.0.2.2:8001/metrics', '192.0.2.2 only (not loopback: 127.0.0.1 cannot connect)', 'scrapes localhost:8001: set its target to 192.0.2.2:8001 first'],
  ])('bound to %s: says what that address lets in, and what the Prometheus config must scrape', (address, metricsUrl, bound, prometheus) => {
    const text = formatBanner({ appUrl: 'http://x:8000/', metricsUrl, metricsPort: 8001, address }, GENTLE);
    expect(linesFrom(text, '  bound to', 1)).toEqual([`  bound to  ${bound}`]);
    expect(linesFrom(text, '  prometheus', 1)).toEqual([`  prometheus --config.file=demo/prometheus.yml   ${prometheus}`]);
  });

  it('on another metrics port: tells to point the Prometheus config at it', () => {
    const text = formatBanner({ ...LOCAL, metricsUrl: 'http://127.0.0.1:9101/metrics', metricsPort: 9101 }, GENTLE);
    expect(linesFrom(text, '  prometheus', 1)).toEqual(['  prometheus --config.file=demo/prometheus.yml   scrapes localhost:8001: set its target to 127.0.0.1:9101 first']);
  });
});
