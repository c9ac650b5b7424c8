import { CLIENT_DEFAULT_METRIC_FINDINGS, CLIENT_DEFAULT_METRIC_LINES } from '../support/prometheus-client.js';
import { parseWithPython } from '../support/consumers.js';
import { startDemo, type RunningDemo } from '../../demo/server';
import { fetchUrl, PROMETHEUS_ACCEPT, promtoolCheckMetrics, promtoolParseOpenMetrics, sampleLines } from './http-client';

// Issue 5, done-when: promtool passes on both formats of a scrape of the demo.
describe('a scrape of the demo, in both formats', () => {
  let demo: RunningDemo | undefined;
  beforeAll(async () => {
    demo = await startDemo({ host: '127.0.0.1', port: 0, metricsPort: 0, random: () => 0.5 });
    const app = demo.appUrl.replace(/\/$/, '');
    for (const path of ['/', '/', '/treecounter?fail=0', '/example?fail=1&delay=0', '/example?fail=0&delay=0']) await fetchUrl(`${app}${path}`);
  }, 30_000);
  afterAll(async () => {
    await demo?.close();
  });

  test('text format: promtool finds nothing but prom-client\'s own default gauges named *_total', async () => {
    const response = await fetchUrl(demo!.metricsUrl, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(response.headers['content-encoding']).toBe('gzip');
    const check = promtoolCheckMetrics(response.text);
    expect(check.output.trim().split('\n')).toEqual([...CLIENT_DEFAULT_METRIC_FINDINGS]);
    expect(check.status).not.toBe(1); // 1 would be a parse error; 3 is lint findings
    expect(promtoolCheckMetrics(response.text.replace(CLIENT_DEFAULT_METRIC_LINES, ''))).toEqual({ status: 0, output: '' });
    expect(sampleLines(response.text, 'method_calls_total').length).toBeGreaterThan(0);
  });

  test("OpenMetrics (what Prometheus asks for): Prometheus' strict OpenMetrics parser accepts it", async () => {
    const response = await fetchUrl(demo!.metricsUrl, { headers: { Accept: PROMETHEUS_ACCEPT, 'Accept-Encoding': 'gzip' } });
    expect(response.headers['content-type']).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(response.text.endsWith('\n# EOF\n')).toBe(true);
    const parsed = promtoolParseOpenMetrics(response.text);
    expect(parsed.status).toBe(0);
    // promtool's `check metrics` reads the text format only (it refuses the OpenMetrics info and
    // stateset types): the Python client's strict OpenMetrics parser checks this one.
    const python = parseWithPython(response.text, 'openmetrics');
    expect(python.ok ? [] : python.error).toEqual([]);
  });
});
