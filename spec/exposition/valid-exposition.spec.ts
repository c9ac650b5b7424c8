/**
 * Issue 13, the renderer's half: what a scrape serves is always accepted by consumers no one
 * here wrote (the Python client's strict OpenMetrics parser and its text parser, promtool),
 * whatever the registry holds: clashing names, broken samples and exemplars, Info and Enum.
 */
import { spawnSync } from 'node:child_process';
import { Counter, Gauge, Histogram, openMetricsContentType, Registry, Summary, type OpenMetricsContentType } from '../support/prometheus-client.js';
import { parseWithPython, promtoolCheck, type ParsedFamily } from '../support/consumers.js';
import { requireBinary } from '../support/binaries.js';
import { Counted, Enum, Info, setLogger, Timed } from '../../lib';
import { resetWarnings } from '../../lib/log';
import type { MetricsRegistry } from '../../lib/client/registry';
import type { Collection, CollectedMetric } from '../../lib/exposition/collect';
import { renderCollection, renderMetrics } from '../../lib/exposition/render';
import type { SkipReason } from '../../lib/exposition/skips';
import { canonicalNumber } from '../../lib/exposition/text-format';
import { createScrapeResponder } from '../../lib/exposition/scrape';
import { OPENMETRICS_CONTENT_TYPE } from '../../lib/exposition/negotiate';
import { sampleLines, withCreatedChecked } from './http-client';

const OPENMETRICS = 'application/openmetrics-text; version=1.0.0';

let warnings: string[];
beforeEach(() => {
  warnings = [];
  resetWarnings();
  setLogger({ warn: (message) => warnings.push(message) });
});
afterEach(() => setLogger(undefined));

async function render(registry: Registry | Registry<OpenMetricsContentType>, accept?: string, names?: string[]): Promise<string> {
  return (await renderMetrics({ registry: registry as MetricsRegistry, accept, names })).body;
}

function collection(...metrics: CollectedMetric[]): Collection {
  return { metrics, failures: [], defaultLabels: {} };
}

function familiesOf(outcome: ReturnType<typeof parseWithPython>): ParsedFamily[] {
  if (!outcome.ok) throw new Error(`the parser refused the exposition: ${outcome.error}`);
  return outcome.families;
}

/** Every consumer accepts both formats of this registry. */
async function expectEveryConsumerAccepts(registry: Registry | Registry<OpenMetricsContentType>): Promise<{ text: string; openMetrics: string }> {
  const text = await render(registry);
  const openMetrics = await render(registry, OPENMETRICS);
  expect(parseWithPython(openMetrics, 'openmetrics')).toMatchObject({ ok: true });
  expect(parseWithPython(text, 'text')).toMatchObject({ ok: true });
  expect(promtoolCheck(text)).toEqual({ status: 0, output: '' });
  return { text, openMetrics };
}

/** A request as the endpoint's adapters describe it. */
function get(accept?: string): { method: string; url: string; header(name: string): string | undefined } {
  return { method: 'GET', url: '/metrics', header: (name) => (name === 'accept' ? accept : undefined) };
}

describe('a client metric registered after ours, whose names clash with it, is left out at scrape time', () => {
  function clashingRegistry(): Registry {
    const registry = new Registry();
    class Stable {
      @Timed({ registry, name: 'h', buckets: [1] })
      @Counted({ registry, name: 'c' })
      feed(): void {}
    }
    new Stable().feed();
    // Registered after ours, so the registration check never saw them.
    new Gauge({ name: 'h_count', help: 'A gauge named like the histogram count', registers: [registry] }).set(42);
    new Gauge({ name: 'c', help: 'A gauge named like the counter family', registers: [registry] }).set(7);
    new Gauge({ name: 'hay_bales', help: 'No clash', registers: [registry] }).set(3);
    return registry;
  }

  test('the strict OpenMetrics parser refuses the two families together (what was served before)', async () => {
    const registry = clashingRegistry();
    const histogram = (await render(registry, OPENMETRICS, ['h'])).replace('# EOF\n', '');
    const gauge = await render(registry, OPENMETRICS, ['h_count']);
    expect(parseWithPython(`${histogram}${gauge}`, 'openmetrics')).toEqual({ ok: false, error: 'ValueError: Clashing name: h_count' });
  });

  test('both formats keep the family registered first, drop the later one, and every consumer accepts them', async () => {
    const { text, openMetrics } = await expectEveryConsumerAccepts(clashingRegistry());
    for (const body of [text, openMetrics]) {
      expect(body.split('\n').filter((line) => line.startsWith('# TYPE'))).toEqual(
        body === text
          ? ['# TYPE c_total counter', '# TYPE h histogram', '# TYPE hay_bales gauge']
          : ['# TYPE c counter', '# TYPE h histogram', '# TYPE hay_bales gauge'],
      );
      // The histogram's count, not the gauge's 42; the counter's total, no gauge `c` 7.
      expect(sampleLines(body, 'h_count')).toEqual(['h_count 1']);
      expect(withCreatedChecked(sampleLines(body, 'c'))).toEqual(body === text ? ['c_total 1'] : ['c_total 1', 'c_created <created>']);
    }
    const families = familiesOf(parseWithPython(openMetrics, 'openmetrics'));
    expect(families.map((family) => [family.name, family.type])).toEqual([['c', 'counter'], ['h', 'histogram'], ['hay_bales', 'gauge']]);
  });

  test('logged once per pair, naming both, and counted in prom_decorators_exposition_skipped_total{reason="name_clash"}', async () => {
    const registry = clashingRegistry();
    const respond = createScrapeResponder({ registry, compression: false }, 'metricsHandler()');
    await respond(get(OPENMETRICS));
    await respond(get());
    const body = (await respond(get()))!.body.toString('utf8');
    expect(warnings).toEqual([
      'prom-decorators: the gauge "h_count" is left out of the exposition: it writes "h_count", which the histogram "h" registered before it writes. Give one of them another name.',
      'prom-decorators: the gauge "c" is left out of the exposition: it writes "c", which the counter "c_total" registered before it writes. Give one of them another name.',
    ]);
    // Two families left out by each scrape, this one included (the counter is written after them).
    expect(sampleLines(body, 'prom_decorators_exposition_skipped_total')).toEqual(['prom_decorators_exposition_skipped_total{reason="name_clash"} 6']);
  });

  test('an Info owns its name with and without _info; a name[] filter that selects one side serves it', async () => {
    const registry = new Registry();
    new Info({ name: 'app', labels: { version: '1.2.3' }, registry: registry as MetricsRegistry });
    new Gauge({ name: 'app', help: 'Clashes with the info family name', registers: [registry] }).set(1);
    const openMetrics = await render(registry, OPENMETRICS);
    expect(openMetrics).toBe('# HELP app Static information about the application.\n# TYPE app info\napp_info{version="1.2.3"} 1\n# EOF\n');
    expect(parseWithPython(openMetrics, 'openmetrics')).toMatchObject({ ok: true });
    expect(sampleLines(await render(registry, undefined, ['app']), 'app')).toEqual(['app 1']);
  });
});

describe('one bad sample or exemplar never breaks the exposition', () => {
  test('an exemplar a throwing inc() left behind (# {} null before) is skipped; its sample stays', async () => {
    const registry = new Registry<OpenMetricsContentType>();
    registry.setContentType(openMetricsContentType);
    const orders = new Counter<string>({ name: 'orders_total', help: 'Orders', labelNames: ['shop'], enableExemplars: true, registers: [registry] });
    orders.inc({ labels: { shop: 'north' }, value: 2, exemplarLabels: { trace_id: 'abc123' } });
    expect(() => orders.inc({ labels: { shop: 'south' }, value: 1, exemplarLabels: { trace_id: 'x'.repeat(200) } })).toThrow(RangeError);
    orders.inc({ labels: { shop: 'south' }, value: 1 });

    const { openMetrics } = await expectEveryConsumerAccepts(registry);
    const lines = sampleLines(openMetrics, 'orders_total');
    expect(lines[0]).toMatch(/^orders_total\{shop="north"\} 2 # \{trace_id="abc123"\} 2 \d+(\.\d+)?$/);
    // (the inc() that threw had counted already)
    expect(lines.slice(1)).toEqual(['orders_total{shop="south"} 2']);
    expect(warnings).toEqual([
      'prom-decorators: metric "orders_total": an exemplar whose value is not a finite number (null) is left out of the exposition; its sample is kept (logged once per metric; counted in prom_decorators_exposition_skipped_total)',
    ]);
    // We wrote `# {} null` before; the client itself writes `# {} +Inf undefined`: the strict parser refuses both (the target goes down).
    // (Last: the client renames its counters while rendering OpenMetrics.)
    const theirs = await registry.metrics();
    expect(sampleLines(theirs, 'orders_total{shop="south"}')).toEqual(['orders_total{shop="south"} 2 # {} +Inf undefined']);
    expect(parseWithPython(theirs, 'openmetrics')).toMatchObject({ ok: false, error: expect.stringContaining('ValueError') });
  });

  test.each([
    ['a value that is a string', { labelSet: { trace_id: 'a' }, value: 'abc' }, 'an exemplar whose value is not a finite number (the string "abc")'],
    ['an undefined value', { labelSet: { trace_id: 'a' } }, 'an exemplar whose value is not a finite number (undefined)'],
    ['a NaN value', { labelSet: { trace_id: 'a' }, value: NaN }, 'an exemplar whose value is not a finite number (NaN)'],
    ['a timestamp that is a string', { labelSet: { trace_id: 'a' }, value: 1, timestamp: 'soon' }, 'an exemplar whose timestamp is not a finite number (the string "soon")'],
    ['129 code points of labels', { labelSet: { trace_id: '😀'.repeat(121) }, value: 1 }, "an exemplar whose labels are longer than OpenMetrics' 128 characters"],
  ])('an exemplar with %s is skipped, counted and logged once', (_case, exemplar, problem) => {
    const skipped: SkipReason[] = [];
    const metric = {
      name: 'jobs_total',
      help: 'Jobs',
      type: 'counter',
      values: [
        { labels: { queue: 'a' }, value: 1, exemplar },
        { labels: { queue: 'b' }, value: 2, exemplar },
      ],
    } as unknown as CollectedMetric;
    const body = renderCollection(collection(metric), 'openmetrics', (reason) => skipped.push(reason));
    expect(body).toBe('# HELP jobs Jobs\n# TYPE jobs counter\njobs_total{queue="a"} 1\njobs_total{queue="b"} 2\n# EOF\n');
    expect(parseWithPython(body, 'openmetrics')).toMatchObject({ ok: true });
    expect(skipped).toEqual(['invalid_exemplar', 'invalid_exemplar']);
    expect(warnings).toEqual([`prom-decorators: metric "jobs_total": ${problem} is left out of the exposition; its sample is kept (logged once per metric; counted in prom_decorators_exposition_skipped_total)`]);
  });

  test('exemplar labels of exactly 128 code points (emoji count once, as OpenMetrics counts them) are kept', () => {
    const labelSet = { trace_id: '😀'.repeat(120) };
    const metric: CollectedMetric = { name: 'jobs_total', help: 'Jobs', type: 'counter', values: [{ value: 1, exemplar: { labelSet, value: 1 } }] };
    const body = renderCollection(collection(metric), 'openmetrics');
    expect(sampleLines(body, 'jobs_total')).toEqual([`jobs_total 1 # {trace_id="${labelSet.trace_id}"} 1`]);
    const [family] = familiesOf(parseWithPython(body, 'openmetrics'));
    expect(family.samples[0].exemplar).toEqual({ labels: labelSet, value: 1, timestamp: null });
  });

  test.each(['text', 'openmetrics'] as const)('a sample whose value is not a number is skipped in %s, the rest served', (format) => {
    const skipped: SkipReason[] = [];
    const metric = {
      name: 'queue_depth',
      help: 'Depth',
      type: 'gauge',
      values: [{ labels: { queue: 'a' }, value: 'many' }, { labels: { queue: 'b' }, value: undefined }, { labels: { queue: 'c' }, value: null }, { labels: { queue: 'd' }, value: NaN }, { labels: { queue: 'e' }, value: 4 }],
    } as unknown as CollectedMetric;
    const body = renderCollection(collection(metric), format, (reason) => skipped.push(reason));
    expect(sampleLines(body, 'queue_depth')).toEqual(['queue_depth{queue="d"} NaN', 'queue_depth{queue="e"} 4']);
    expect(parseWithPython(body, format)).toMatchObject({ ok: true });
    if (format === 'text') expect(promtoolCheck(body)).toEqual({ status: 0, output: '' });
    expect(skipped).toEqual(['invalid_sample', 'invalid_sample', 'invalid_sample']);
    expect(warnings).toEqual(['prom-decorators: metric "queue_depth": a sample whose value is not a number (the string "many") is left out of the exposition (logged once per metric; counted in prom_decorators_exposition_skipped_total)']);
  });
});

describe('OpenMetrics types and canonical numbers', () => {
  test('Info is an OpenMetrics info family and Enum a stateset; the text format keeps gauges', async () => {
    const registry = new Registry();
    new Info({ name: 'app', labels: { version: '1.2.3', commit: 'abc' }, registry: registry as MetricsRegistry });
    const state = new Enum({ name: 'app_state', states: ['starting', 'running', 'stopped'], registry: registry as MetricsRegistry });
    state.state('running');
    const { text, openMetrics } = await expectEveryConsumerAccepts(registry);
    expect(openMetrics).toBe(
      [
        '# HELP app Static information about the application.',
        '# TYPE app info',
        'app_info{version="1.2.3",commit="abc"} 1',
        '# HELP app_state Current state of the application.',
        '# TYPE app_state stateset',
        'app_state{app_state="starting"} 0',
        'app_state{app_state="running"} 1',
        'app_state{app_state="stopped"} 0',
        '# EOF',
        '',
      ].join('\n'),
    );
    expect(familiesOf(parseWithPython(openMetrics, 'openmetrics')).map((family) => [family.name, family.type])).toEqual([['app', 'info'], ['app_state', 'stateset']]);
    expect(text.split('\n').filter((line) => line.startsWith('# TYPE'))).toEqual(['# TYPE app_info gauge', '# TYPE app_state gauge']);
    expect(familiesOf(parseWithPython(text, 'text')).map((family) => [family.name, family.type])).toEqual([['app_info', 'gauge'], ['app_state', 'gauge']]);
  });

  test('le and quantile in OpenMetrics are written as the Python and Go clients write them; the text format is unchanged', async () => {
    const registry = new Registry();
    class Barn {
      @Timed({ registry, name: 'feed_seconds', buckets: [0.005, 1, 10] })
      feed(): void {}
    }
    new Barn().feed();
    new Histogram({ name: 'size_bytes', help: 'Sizes', buckets: [1e-9, 1, 1e6, 1234567.5], registers: [registry] }).observe(2);
    new Summary({ name: 'wait_seconds', help: 'Waits', percentiles: [0.5, 0.99, 1], registers: [registry] }).observe(3);
    const { text, openMetrics } = await expectEveryConsumerAccepts(registry);
    const labelValues = (body: string, prefix: string, label: string): string[] =>
      sampleLines(body, prefix).flatMap((line) => [...line.matchAll(new RegExp(`${label}="([^"]*)"`, 'g'))].map((match) => match[1]));
    expect(labelValues(openMetrics, 'feed_seconds_bucket', 'le')).toEqual(['0.005', '1.0', '10.0', '+Inf']);
    expect(labelValues(openMetrics, 'size_bytes_bucket', 'le')).toEqual(['1e-09', '1.0', '1e+06', '1.2345675e+06', '+Inf']);
    expect(labelValues(openMetrics, 'wait_seconds{', 'quantile')).toEqual(['0.5', '0.99', '1.0']);
    expect(labelValues(text, 'feed_seconds_bucket', 'le')).toEqual(['0.005', '1', '10', '+Inf']);
    expect(labelValues(text, 'size_bytes_bucket', 'le')).toEqual(['1e-9', '1', '1000000', '1234567.5', '+Inf']);
    expect(labelValues(text, 'wait_seconds{', 'quantile')).toEqual(['0.5', '0.99', '1']);
  });

  test('canonicalNumber agrees with Python\'s floatToGoString, except where Python departs from Go', () => {
    const values = [1, 0.005, 1e-9, 1e6, 1234567.5, 0.1, 2.5, 10, 100, 123456, 999999, 1e16, 1e21, 1e100, 0.00001, 0.0001, 5e-324, 1.7976931348623157e308, 1 / 3, 1.5e-7, 0, -1, -0.5, -123.25, Infinity, -Infinity, NaN];
    const script = 'import json,sys\nfrom prometheus_client.utils import floatToGoString\nprint(json.dumps([floatToGoString(v) for v in json.loads(sys.stdin.read(), parse_constant=float)]))';
    const run = spawnSync(requireBinary('python3'), ['-c', script], { input: JSON.stringify(values.map((value) => (Number.isFinite(value) ? value : String(value)))).replace(/"(Infinity|-Infinity|NaN)"/g, '$1'), encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(values.map(canonicalNumber)).toEqual(JSON.parse(run.stdout));
    // Python writes 1e+010 (its exponent padding is a fixed "0") and leaves large negatives in fixed notation; Go does not.
    expect([1e10, 1e15, -1e6].map(canonicalNumber)).toEqual(['1e+10', '1e+15', '-1e+06']);
  });
});

describe('Prometheus 3 name escaping', () => {
  test.each(['allow-utf-8', 'underscores', 'dots', 'values'])('escaping=%s is stated in the Content-Type; the body is the same', async (escaping) => {
    const registry = new Registry();
    new Gauge({ name: 'hay_bales', help: 'Bales', registers: [registry] }).set(3);
    const respond = createScrapeResponder({ registry, compression: false, selfMetrics: false }, 'metricsHandler()');
    const plain = (await respond(get('application/openmetrics-text;version=1.0.0')))!;
    const escaped = (await respond(get(`application/openmetrics-text;version=1.0.0;escaping=${escaping};q=0.9,text/plain;version=0.0.4;q=0.5`)))!;
    expect(plain.headers['Content-Type']).toBe(OPENMETRICS_CONTENT_TYPE);
    expect(escaped.headers['Content-Type']).toBe(`${OPENMETRICS_CONTENT_TYPE}; escaping=${escaping}`);
    expect(escaped.body.toString('utf8')).toBe(plain.body.toString('utf8'));
    expect(parseWithPython(escaped.body.toString('utf8'), 'openmetrics')).toMatchObject({ ok: true });
    const text = (await respond(get(`text/plain;version=0.0.4;escaping=${escaping}`)))!;
    expect(text.headers['Content-Type']).toBe(`text/plain; version=0.0.4; charset=utf-8; escaping=${escaping}`);
  });
});
