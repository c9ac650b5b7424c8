import { Registry } from '../support/prometheus-client.js';
import { renderMetrics } from '../../lib/exposition/render';
import { declareFamily } from '../../lib/metrics/declare';
import { SUMMARY_DIGESTS } from '../../lib/metrics/summary-family';
import { parseWithPython } from '../support/consumers';

// Issue 13 §8: a quantile over no observation is NaN (OpenMetrics), in both formats, read back by
// the Python client's text parser and its strict OpenMetrics parser; _sum and _count keep their values.
const OPENMETRICS = 'application/openmetrics-text; version=1.0.0';

function waitSummary(registry: Registry, window: { maxAgeSeconds?: number; ageBuckets?: number } = {}) {
  return declareFamily({
    registry,
    kind: 'summary',
    name: 'wait_seconds',
    help: 'Waits',
    labelNames: [],
    declaredAt: 'summary-family.spec.ts',
    summary: { percentiles: [0.5, 0.9], ...window },
  });
}

/** The family's samples as each Python parser reads them: [name, quantile label, value]. */
async function readBack(registry: Registry): Promise<Record<'text' | 'openmetrics', [string, string | undefined, number | string][]>> {
  const read = async (format: 'text' | 'openmetrics') => {
    const { body } = await renderMetrics({ registry, accept: format === 'openmetrics' ? OPENMETRICS : undefined });
    const parsed = parseWithPython(body, format);
    if (!parsed.ok) throw new Error(`${format}: ${parsed.error}\n${body}`);
    const family = parsed.families.find((candidate) => candidate.name === 'wait_seconds');
    return (family?.samples ?? []).map((sample): [string, string | undefined, number | string] => [sample.name, sample.labels.quantile, sample.value]);
  };
  return { text: await read('text'), openmetrics: await read('openmetrics') };
}

/** The same samples in both formats; OpenMetrics adds the series' `_created` (issue 16), never the text format. */
const both = (samples: [string, string | undefined, number | string][], createdMs: number) => ({
  text: samples,
  openmetrics: [...samples, ['wait_seconds_created', undefined, createdMs / 1000]],
});

describe('summary quantiles with nothing to summarise', () => {
  test('a summary never observed serves NaN quantiles, 0 for _sum and _count, in both formats', async () => {
    const registry = new Registry();
    const series = waitSummary(registry).seriesFor({});
    expect((await renderMetrics({ registry })).body).toContain('wait_seconds{quantile="0.5"} NaN\nwait_seconds{quantile="0.9"} NaN\nwait_seconds_sum 0\nwait_seconds_count 0\n');
    expect(await readBack(registry)).toEqual(
      both(
        [
          ['wait_seconds', '0.5', 'nan'],
          ['wait_seconds', '0.9', 'nan'],
          ['wait_seconds_sum', undefined, 0],
          ['wait_seconds_count', undefined, 0],
        ],
        series.created.ms,
      ),
    );
  });

  test('once the sliding window has expired the quantiles are NaN again; _sum and _count keep their values', async () => {
    const registry = new Registry();
    let wallMs = Date.now();
    const wallClock = jest.spyOn(Date, 'now').mockImplementation(() => wallMs);
    try {
      const series = waitSummary(registry, { maxAgeSeconds: 60, ageBuckets: 3 }).seriesFor({});
      series.observe(2);
      series.observe(2);
      const createdMs = wallMs;
      expect(series.created.ms).toBe(createdMs);
      expect(await readBack(registry)).toEqual(
        both(
          [
            ['wait_seconds', '0.5', 2],
            ['wait_seconds', '0.9', 2],
            ['wait_seconds_sum', undefined, 4],
            ['wait_seconds_count', undefined, 2],
          ],
          createdMs,
        ),
      );
      wallMs += 61_000; // the whole window later
      expect(await readBack(registry)).toEqual(
        both(
          [
            ['wait_seconds', '0.5', 'nan'],
            ['wait_seconds', '0.9', 'nan'],
            ['wait_seconds_sum', undefined, 4],
            ['wait_seconds_count', undefined, 2],
          ],
          createdMs,
        ),
      );
    } finally {
      wallClock.mockRestore();
    }
  });

  test('an observed 0 stays a quantile of 0, and resetMetrics() brings back NaN, created anew', async () => {
    const registry = new Registry();
    let wallMs = 1_700_000_000_000;
    const wallClock = jest.spyOn(Date, 'now').mockImplementation(() => wallMs);
    try {
      const series = waitSummary(registry).seriesFor({});
      series.observe(0);
      expect((await readBack(registry)).openmetrics).toEqual([
        ['wait_seconds', '0.5', 0],
        ['wait_seconds', '0.9', 0],
        ['wait_seconds_sum', undefined, 0],
        ['wait_seconds_count', undefined, 1],
        ['wait_seconds_created', undefined, 1_700_000_000],
      ]);
      wallMs += 2_500;
      registry.resetMetrics();
      expect((await readBack(registry)).openmetrics).toEqual([
        ['wait_seconds', '0.5', 'nan'],
        ['wait_seconds', '0.9', 'nan'],
        ['wait_seconds_sum', undefined, 0],
        ['wait_seconds_count', undefined, 0],
        ['wait_seconds_created', undefined, 1_700_000_002.5],
      ]);
    } finally {
      wallClock.mockRestore();
    }
  });
});

describe('the digests a cluster worker sends (issue 13 §6)', () => {
  test('count each observation once, however many age buckets the window has', async () => {
    const registry = new Registry();
    const family = waitSummary(registry, { maxAgeSeconds: 60, ageBuckets: 3 });
    const series = family.seriesFor({});
    for (const seconds of [1, 2, 2, 3, 3]) series.observe(seconds);
    await family.get(); // a collection flushes the parked observations, as in a worker
    const [digest] = family[SUMMARY_DIGESTS]().series;
    // the client's ring holds one digest object in all three slots at first: 15 pushes for 5 observations
    expect(digest.centroids.reduce((total, centroid) => total + centroid.n, 0)).toBe(5);
    expect(family[SUMMARY_DIGESTS]().percentiles).toEqual([0.5, 0.9]);
  });
});
