import { Registry } from '../support/prometheus-client.js';
import { Counted, Timed } from '../../lib/index';
import { renderMetrics } from '../../lib/exposition/render';
import { parseWithPython, promtoolCheck } from '../support/consumers';

// Names and buckets the decorators accept, read back by consumers no one here wrote: the
// Python client's strict OpenMetrics and text parsers (Debian's python3-prometheus-client)
// and promtool. What they would refuse (a counter "_total", negative or only +Inf buckets)
// is refused when the class is defined (spec/decorators/metric-options.spec.ts).

const OPENMETRICS = 'application/openmetrics-text; version=1.0.0';

async function expositions(registry: Registry): Promise<{ openMetrics: string; text: string }> {
  return { openMetrics: (await renderMetrics({ registry, accept: OPENMETRICS })).body, text: (await renderMetrics({ registry })).body };
}

describe('what the decorators write passes real consumers', () => {
  test('a counter named "a_total", next to the refused "_total": the family "a" with its sample a_total', async () => {
    const registry = new Registry();
    class Jobs {
      @Counted({ registry, name: 'a_total', help: 'A' }) run(): void {}
    }
    new Jobs().run();
    const { openMetrics, text } = await expositions(registry);
    // a_created: when the series started counting (issue 16), in Unix seconds
    expect(openMetrics).toMatch(/^# HELP a A\n# TYPE a counter\na_total 1\na_created \d+(\.\d+)?\n# EOF\n$/);
    expect(parseWithPython(openMetrics, 'openmetrics')).toEqual({
      ok: true,
      families: [
        {
          name: 'a',
          type: 'counter',
          documentation: 'A',
          samples: [
            { name: 'a_total', labels: {}, value: 1, exemplar: null },
            { name: 'a_created', labels: {}, value: expect.any(Number), exemplar: null },
          ],
        },
      ],
    });
    expect(parseWithPython(text, 'text')).toMatchObject({ ok: true, families: [{ name: 'a', type: 'counter' }] });
    expect(promtoolCheck(text)).toEqual({ status: 0, output: '' });
  });

  test('histogram buckets starting at 0, with a trailing +Inf given: _sum and every bucket are accepted', async () => {
    const registry = new Registry();
    class Jobs {
      @Timed({ registry, name: 'job_seconds', help: 'Job time', buckets: [0, 1, Infinity] }) run(): void {}
    }
    new Jobs().run();
    const { openMetrics, text } = await expositions(registry);
    const parsed = parseWithPython(openMetrics, 'openmetrics');
    expect(parsed).toMatchObject({ ok: true, families: [{ name: 'job_seconds', type: 'histogram' }] });
    const samples = parsed.ok ? parsed.families[0].samples.map((sample) => sample.name) : [];
    // Three buckets (0, 1, +Inf: the given Infinity is not repeated), then _sum, _count and _created.
    expect(samples).toEqual(['job_seconds_bucket', 'job_seconds_bucket', 'job_seconds_bucket', 'job_seconds_sum', 'job_seconds_count', 'job_seconds_created']);
    expect(parseWithPython(text, 'text')).toMatchObject({ ok: true });
    expect(promtoolCheck(text)).toEqual({ status: 0, output: '' });
  });
});
