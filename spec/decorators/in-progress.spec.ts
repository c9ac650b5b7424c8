import { Registry } from '../support/prometheus-client.js';
import { InProgress, resetMetrics } from '../../lib/index';
import { METHOD_SHAPES, deferred, settle } from '../core/method-shapes';

const HELP = ['# HELP method_in_progress Calls of instrumented methods currently running, by class and method.', '# TYPE method_in_progress gauge'];

/** The gauge's value, read synchronously through the metric object the registry collects from. */
function inProgressNow(registry: Registry, name = 'method_in_progress'): number {
  const published = registry.getSingleMetric(name)!.get() as unknown as { values: { value: number }[] };
  return published.values[0].value;
}

describe.each(METHOD_SHAPES)('@InProgress on a $title method', (shape) => {
  test('is 1 while the call runs and back to 0 exactly once after it completes', async () => {
    const registry = new Registry();
    const seen: number[] = [];
    class Importer {
      @InProgress({ registry })
      run(file: string): unknown {
        seen.push(inProgressNow(registry));
        return shape.body(file, new Error('corrupt'));
      }
    }
    const importer = new Importer();
    await settle(() => importer.run('a.csv'));
    await settle(() => importer.run('b.csv'));
    expect(seen).toEqual([1, 1]);
    expect(await registry.getSingleMetricAsString('method_in_progress')).toBe([...HELP, 'method_in_progress{class="Importer",method="run"} 0'].join('\n'));
  });

  test('a named gauge with static labels', async () => {
    const registry = new Registry();
    class ExampleApp {
      @InProgress({ registry, name: 'example_app_inprogress', help: 'Requests being served', labels: { endpoint: '/' } })
      handle(): unknown {
        return shape.body('page', new Error('down'));
      }
    }
    await settle(() => new ExampleApp().handle());
    expect(await registry.getSingleMetricAsString('example_app_inprogress')).toBe(
      ['# HELP example_app_inprogress Requests being served', '# TYPE example_app_inprogress gauge', 'example_app_inprogress{endpoint="/"} 0'].join('\n'),
    );
  });
});

describe('@InProgress while promises are pending', () => {
  test.each([
    { outcome: 'resolve', result: 'ok' },
    { outcome: 'reject', result: 'error' },
  ])('counts every pending call, and each $outcome takes exactly one away', async ({ outcome }) => {
    const registry = new Registry();
    const calls = [deferred<string>(), deferred<string>(), deferred<string>()];
    class Uploader {
      @InProgress({ registry })
      upload(index: number): Promise<string> {
        return calls[index].promise;
      }
    }
    const uploader = new Uploader();
    const running = calls.map((_call, index) => settle(() => uploader.upload(index)));
    const text = async () => registry.getSingleMetricAsString('method_in_progress');
    expect(await text()).toBe([...HELP, 'method_in_progress{class="Uploader",method="upload"} 3'].join('\n'));
    for (const [index, call] of calls.entries()) {
      if (outcome === 'resolve') call.resolve('done');
      else call.reject(new Error('lost'));
      await running[index];
      expect(await text()).toBe([...HELP, `method_in_progress{class="Uploader",method="upload"} ${2 - index}`].join('\n'));
    }
  });
});

describe('@InProgress and resetMetrics() (issue 12, item 12)', () => {
  test('resetMetrics() during calls in flight leaves the gauge alone: it counts calls still running, and never goes below 0', async () => {
    const registry = new Registry();
    const calls = Array.from({ length: 10 }, () => deferred<string>());
    class Uploader {
      @InProgress({ registry })
      upload(index: number): Promise<string> {
        return calls[index].promise;
      }
    }
    const uploader = new Uploader();
    const running = calls.map((_call, index) => uploader.upload(index));
    expect(inProgressNow(registry)).toBe(10);
    resetMetrics(registry);
    expect(inProgressNow(registry)).toBe(10);
    for (const call of calls) call.resolve('done');
    await Promise.all(running);
    expect(inProgressNow(registry)).toBe(0);
    resetMetrics(registry);
    expect(await registry.getSingleMetricAsString('method_in_progress')).toBe([...HELP, 'method_in_progress{class="Uploader",method="upload"} 0'].join('\n'));
  });
});
