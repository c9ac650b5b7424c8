import { Registry } from '../support/prometheus-client.js';
import { Counted, CountExceptions, LastCalled, Timed } from '../../lib/index';

function lines(text: string): string[] {
  return text.split('\n').filter((line) => !line.startsWith('#'));
}

class NotFound extends Error {}

describe('what counts as a failure', () => {
  test('errorIf marks a returned value as result="error" (a handler that answers 500)', async () => {
    const registry = new Registry();
    class Handler {
      @Counted({ registry, errorIf: (response: { status: number }) => response.status >= 500 })
      @Timed({ registry, buckets: [1], errorIf: (response: { status: number }) => response.status >= 500 })
      async handle(status: number): Promise<{ status: number }> {
        return { status };
      }
    }
    const handler = new Handler();
    const answer = await handler.handle(200);
    expect(answer).toEqual({ status: 200 });
    await handler.handle(503);
    await handler.handle(500);
    expect(lines(await registry.getSingleMetricAsString('method_calls_total'))).toEqual([
      'method_calls_total{class="Handler",method="handle",result="ok"} 1',
      'method_calls_total{class="Handler",method="handle",result="error"} 2',
    ]);
    expect(lines(await registry.getSingleMetricAsString('method_duration_seconds')).filter((line) => line.includes('_count'))).toEqual([
      'method_duration_seconds_count{class="Handler",method="handle",result="ok"} 1',
      'method_duration_seconds_count{class="Handler",method="handle",result="error"} 2',
    ]);
  });

  test('okIf marks an expected business error as result="ok", and the very error is still rethrown', async () => {
    const registry = new Registry();
    const notFound = new NotFound('no such order');
    class Orders {
      @Counted({ registry, okIf: (error: unknown) => error instanceof NotFound })
      find(id: string): string {
        if (id === 'missing') throw notFound;
        if (id === 'broken') throw new TypeError('bug');
        return id;
      }
    }
    const orders = new Orders();
    let thrown: unknown;
    try {
      orders.find('missing');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBe(notFound);
    expect(() => orders.find('broken')).toThrow(TypeError);
    expect(orders.find('a')).toBe('a');
    expect(lines(await registry.getSingleMetricAsString('method_calls_total'))).toEqual([
      'method_calls_total{class="Orders",method="find",result="ok"} 2',
      'method_calls_total{class="Orders",method="find",result="error"} 1',
    ]);
  });

  test('@LastCalled on success honours errorIf and okIf', async () => {
    const registry = new Registry();
    class Job {
      @LastCalled({ registry, on: 'success', errorIf: (result: string) => result === 'partial' })
      run(result: string): string {
        return result;
      }
    }
    const job = new Job();
    job.run('partial');
    expect(lines(await registry.getSingleMetricAsString('method_last_success_timestamp_seconds'))).toEqual([
      'method_last_success_timestamp_seconds{class="Job",method="run"} 0',
    ]);
    job.run('complete');
    const value = Number(lines(await registry.getSingleMetricAsString('method_last_success_timestamp_seconds'))[0].split(' ')[1]);
    expect(Math.abs(value - Date.now() / 1000)).toBeLessThan(5);
  });

  test('@CountExceptions ignore: error classes, or a predicate, are never counted', async () => {
    const registry = new Registry();
    class Api {
      @CountExceptions({ registry, ignore: [NotFound] })
      get(error: Error): void {
        throw error;
      }
      @CountExceptions({ registry, ignore: (error) => (error as Error).message === 'expected' })
      post(error: Error): void {
        throw error;
      }
    }
    const api = new Api();
    expect(() => api.get(new NotFound('x'))).toThrow(NotFound);
    expect(() => api.get(new TypeError('x'))).toThrow(TypeError);
    expect(() => api.post(new RangeError('expected'))).toThrow(RangeError);
    expect(() => api.post(new RangeError('surprise'))).toThrow(RangeError);
    expect(lines(await registry.getSingleMetricAsString('method_exceptions_total'))).toEqual([
      'method_exceptions_total{class="Api",method="get",error="TypeError"} 1',
      'method_exceptions_total{class="Api",method="post",error="RangeError"} 1',
    ]);
  });

  test('errorIf that is not a function is a decoration-time error', () => {
    expect(() => {
      class Handler {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- deliberately the wrong type: tests the run-time check
        @Counted({ errorIf: 500 as any })
        handle(): void {}
      }
      return Handler;
    }).toThrow(/^@Counted on (Handler|\?)\.handle: errorIf must be a function, got number\. Pass errorIf: \(value\) => boolean$/);
  });
});
