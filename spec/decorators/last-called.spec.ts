import { Registry } from '../support/prometheus-client.js';
import { LastCalled } from '../../lib/index';
import { METHOD_SHAPES, deferred, settle } from '../core/method-shapes';

/** The one value of a gauge, from the registry's JSON. */
async function gaugeValue(registry: Registry, name: string): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((candidate) => candidate.name === name)!;
  expect(metric.values).toHaveLength(1);
  return metric.values[0].value;
}

/** Whether `seconds` is a Unix time between the two Date.now() readings (1 ms of slack for rounding). */
function expectUnixSecondsBetween(seconds: number, beforeMs: number, afterMs: number): void {
  expect(seconds).toBeGreaterThanOrEqual((beforeMs - 1) / 1000);
  expect(seconds).toBeLessThanOrEqual((afterMs + 1) / 1000);
}

describe.each(METHOD_SHAPES)('@LastCalled on a $title method', (shape) => {
  test('sets the Unix time in seconds when the call starts, whatever its outcome', async () => {
    const registry = new Registry();
    class Cron {
      @LastCalled({ registry })
      tick(): unknown {
        return shape.body('ticked', new Error('missed'));
      }
    }
    expect(await gaugeValue(registry, 'method_last_called_timestamp_seconds')).toBe(0);
    const beforeMs = Date.now();
    await settle(() => new Cron().tick());
    const afterMs = Date.now();
    expectUnixSecondsBetween(await gaugeValue(registry, 'method_last_called_timestamp_seconds'), beforeMs, afterMs);
    const text = await registry.getSingleMetricAsString('method_last_called_timestamp_seconds');
    expect(text.split('\n').slice(0, 2)).toEqual([
      '# HELP method_last_called_timestamp_seconds Unix time in seconds when an instrumented method was last called, by class and method.',
      '# TYPE method_last_called_timestamp_seconds gauge',
    ]);
    expect(text.split('\n')[2]).toMatch(/^method_last_called_timestamp_seconds\{class="Cron",method="tick"\} \d{10}(\.\d+)?$/);
  });

  test(shape.fails ? "{ on: 'success' } is not set by a failing call" : "{ on: 'success' } is set when the call completes", async () => {
    const registry = new Registry();
    class Backup {
      @LastCalled({ registry, on: 'success' })
      run(): unknown {
        return shape.body('saved', new Error('disk full'));
      }
    }
    const beforeMs = Date.now();
    await settle(() => new Backup().run());
    const afterMs = Date.now();
    const value = await gaugeValue(registry, 'method_last_success_timestamp_seconds');
    if (shape.fails) expect(value).toBe(0);
    else expectUnixSecondsBetween(value, beforeMs, afterMs);
  });

  test('a named gauge with static labels', async () => {
    const registry = new Registry();
    class Backup {
      @LastCalled({ registry, on: 'success', name: 'backup_last_success_timestamp_seconds', help: 'Last good backup', labels: { target: 's3' } })
      run(): unknown {
        return shape.body('saved', new Error('disk full'));
      }
    }
    expect(await registry.getSingleMetricAsString('backup_last_success_timestamp_seconds')).toBe(
      ['# HELP backup_last_success_timestamp_seconds Last good backup', '# TYPE backup_last_success_timestamp_seconds gauge', 'backup_last_success_timestamp_seconds{target="s3"} 0'].join('\n'),
    );
    await settle(() => new Backup().run());
    expect((await gaugeValue(registry, 'backup_last_success_timestamp_seconds')) > 0).toBe(!shape.fails);
  });
});

describe('@LastCalled while a promise is pending', () => {
  test("on: 'call' is set at the start; on: 'success' only once the promise resolves", async () => {
    const registry = new Registry();
    const pending = deferred<void>();
    class Sync {
      @LastCalled({ registry })
      @LastCalled({ registry, on: 'success' })
      pull(): Promise<void> {
        return pending.promise;
      }
    }
    const beforeMs = Date.now();
    const call = new Sync().pull();
    expectUnixSecondsBetween(await gaugeValue(registry, 'method_last_called_timestamp_seconds'), beforeMs, Date.now());
    expect(await gaugeValue(registry, 'method_last_success_timestamp_seconds')).toBe(0);
    const resolvedMs = Date.now();
    pending.resolve();
    await call;
    expectUnixSecondsBetween(await gaugeValue(registry, 'method_last_success_timestamp_seconds'), resolvedMs, Date.now());
  });

  test('the published timestamp stays exactly the same from scrape to scrape until the next call', async () => {
    const registry = new Registry();
    class Cron {
      @LastCalled({ registry }) @LastCalled({ registry, on: 'success' }) tick(): void {}
    }
    new Cron().tick();
    const scrapes: number[][] = [];
    for (let i = 0; i < 5; i++) {
      scrapes.push([await gaugeValue(registry, 'method_last_called_timestamp_seconds'), await gaugeValue(registry, 'method_last_success_timestamp_seconds')]);
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    // changes() and resets() over this gauge must count calls, not scrapes.
    for (const scrape of scrapes) expect(scrape).toEqual(scrapes[0]);
  });

  test('a later call moves the timestamp forward', async () => {
    const registry = new Registry();
    class Cron {
      @LastCalled({ registry }) tick(): void {}
    }
    new Cron().tick();
    const first = await gaugeValue(registry, 'method_last_called_timestamp_seconds');
    await new Promise((resolve) => setTimeout(resolve, 15));
    new Cron().tick();
    expect(await gaugeValue(registry, 'method_last_called_timestamp_seconds')).toBeGreaterThan(first);
  });
});

describe('@LastCalled when the wall clock steps (issue 12, item 12)', () => {
  const HOUR_MS = 3_600_000;

  test('a step between a call and the scrape moves no timestamp: each is the wall-clock time of its call', async () => {
    const registry = new Registry();
    class Cron {
      @LastCalled({ registry }) tick(): void {}
      @LastCalled({ registry }) tock(): void {}
    }
    const value = async (method: string) =>
      (await registry.getMetricsAsJSON()).find((metric) => metric.name === 'method_last_called_timestamp_seconds')!.values.find((sample) => sample.labels.method === method)!.value;
    const beforeMs = Date.now();
    new Cron().tick();
    const afterMs = Date.now();
    const realNow = Date.now.bind(Date);
    const step = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + HOUR_MS); // NTP steps the clock an hour forward
    try {
      // Before: the step was applied to the call at collect time, an hour late.
      expectUnixSecondsBetween(await value('tick'), beforeMs, afterMs);
      // A call after the scrape that saw the step is stamped with the stepped clock; tick keeps its time.
      const steppedBeforeMs = Date.now();
      new Cron().tock();
      const steppedAfterMs = Date.now();
      expectUnixSecondsBetween(await value('tock'), steppedBeforeMs, steppedAfterMs);
      expectUnixSecondsBetween(await value('tick'), beforeMs, afterMs);
    } finally {
      step.mockRestore();
    }
  });
});
