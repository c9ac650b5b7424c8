/** Created timestamps (issue 16, item 4): when each counter, histogram and summary series started counting, reset with it. */
import { Registry } from '../support/prometheus-client.js';
import { renderMetrics } from '../../lib/exposition/render';
import { createdNow } from '../../lib/metrics/created';
import { declareFamily } from '../../lib/metrics/declare';

const OPENMETRICS = 'application/openmetrics-text; version=1.0.0';

describe('created timestamps', () => {
  let wallMs: number;
  let wallClock: jest.SpyInstance;
  beforeEach(() => {
    wallMs = 1_700_000_000_250;
    wallClock = jest.spyOn(Date, 'now').mockImplementation(() => wallMs);
  });
  afterEach(() => wallClock.mockRestore());

  function families(registry: Registry) {
    const common = { registry, labelNames: ['job'], declaredAt: 'created.spec.ts' };
    return {
      jobs: declareFamily({ ...common, kind: 'counter', name: 'jobs_total', help: 'Jobs' }),
      seconds: declareFamily({ ...common, kind: 'histogram', name: 'job_seconds', help: 'Job time', buckets: [1] }),
      waits: declareFamily({ ...common, kind: 'summary', name: 'wait_seconds', help: 'Waits', summary: { percentiles: [0.5] } }),
    };
  }

  test('every series carries the time it was made: _created in OpenMetrics after the sample that ends it, never in the text format', async () => {
    const registry = new Registry();
    const { jobs, seconds, waits } = families(registry);
    jobs.seriesFor({ job: 'a' }).value += 2;
    seconds.seriesFor({ job: 'a' }).observe(0.5);
    waits.seriesFor({ job: 'a' }).observe(0.5);
    wallMs += 1_000;
    jobs.seriesFor({ job: 'b' });
    const { body } = await renderMetrics({ registry, accept: OPENMETRICS });
    expect(body.split('\n').filter((line) => /_created|_total|_count/.test(line))).toEqual([
      'jobs_total{job="a"} 2',
      'jobs_created{job="a"} 1700000000.25',
      'jobs_total{job="b"} 0',
      'jobs_created{job="b"} 1700000001.25',
      'job_seconds_count{job="a"} 1',
      'job_seconds_created{job="a"} 1700000000.25',
      'wait_seconds_count{job="a"} 1',
      'wait_seconds_created{job="a"} 1700000000.25',
    ]);
    expect((await renderMetrics({ registry })).body).not.toContain('_created');
  });

  test('registry.resetMetrics() starts each series again, created at the reset', async () => {
    const registry = new Registry();
    const { jobs, seconds, waits } = families(registry);
    jobs.seriesFor({ job: 'a' }).value++;
    seconds.seriesFor({ job: 'a' }).observe(2);
    waits.seriesFor({ job: 'a' }).observe(2);
    wallMs += 60_000;
    registry.resetMetrics();
    const { body } = await renderMetrics({ registry, accept: OPENMETRICS });
    expect(body.split('\n').filter((line) => line.includes('_created'))).toEqual([
      'jobs_created{job="a"} 1700000060.25',
      'job_seconds_created{job="a"} 1700000060.25',
      'wait_seconds_created{job="a"} 1700000060.25',
    ]);
  });

  test('series made in the same millisecond share one stamp (8 bytes each, no number of their own)', () => {
    expect(createdNow()).toBe(createdNow());
    const before = createdNow();
    wallMs += 1;
    expect([createdNow() === before, createdNow().ms]).toEqual([false, wallMs]);
  });
});
