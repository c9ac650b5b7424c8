import { Registry } from '../support/prometheus-client.js';
import { Counted, InProgress, Timed } from '../../lib/index';

function lines(text: string): string[] {
  return text.split('\n').filter((line) => !line.startsWith('#'));
}

async function signals(registry: Registry): Promise<{ inProgress: string[]; calls: string[]; durations: string[] }> {
  const read = async (name: string) => (registry.getSingleMetric(name) === undefined ? [] : lines(await registry.getSingleMetricAsString(name)));
  return {
    inProgress: await read('method_in_progress'),
    calls: await read('method_calls_total'),
    durations: (await read('method_duration_seconds')).filter((line) => line.includes('_count')),
  };
}

describe('generators are measured until their iteration finishes', () => {
  test('a sync generator: in progress while iterated, counted and timed once done, and it behaves like the original', async () => {
    const registry = new Registry();
    class Pages {
      @Counted({ registry }) @Timed({ registry, buckets: [10] }) @InProgress({ registry })
      *pages(count: number): Generator<number, string, unknown> {
        for (let page = 1; page <= count; page++) yield page;
        return 'end';
      }
    }
    const iterator = new Pages().pages(2);
    expect(Object.prototype.toString.call(iterator)).toBe('[object Generator]');
    expect(iterator[Symbol.iterator]()).toBe(iterator);
    expect((await signals(registry)).inProgress).toEqual(['method_in_progress{class="Pages",method="pages"} 1']);
    expect(iterator.next()).toEqual({ value: 1, done: false });
    expect(iterator.next()).toEqual({ value: 2, done: false });
    expect((await signals(registry)).calls[0]).toBe('method_calls_total{class="Pages",method="pages",result="ok"} 0');
    expect(iterator.next()).toEqual({ value: 'end', done: true });
    expect(iterator.next()).toEqual({ value: undefined, done: true });
    const after = await signals(registry);
    expect(after.inProgress).toEqual(['method_in_progress{class="Pages",method="pages"} 0']);
    expect(after.calls).toEqual(['method_calls_total{class="Pages",method="pages",result="ok"} 1', 'method_calls_total{class="Pages",method="pages",result="error"} 0']);
    expect(after.durations).toEqual([
      'method_duration_seconds_count{class="Pages",method="pages",result="ok"} 1',
      'method_duration_seconds_count{class="Pages",method="pages",result="error"} 0',
    ]);
    expect([...new Pages().pages(3)]).toEqual([1, 2, 3]);
  });

  test('return() ends the iteration early, as ok, exactly once', async () => {
    const registry = new Registry();
    class Feed {
      @Counted({ registry }) @InProgress({ registry })
      *items(): Generator<string> {
        yield 'a';
        yield 'b';
      }
    }
    for (const item of new Feed().items()) {
      expect(item).toBe('a');
      break; // for..of calls return()
    }
    const unstarted = new Feed().items();
    expect(unstarted.return(undefined)).toEqual({ value: undefined, done: true });
    const after = await signals(registry);
    expect(after.inProgress).toEqual(['method_in_progress{class="Feed",method="items"} 0']);
    expect(after.calls[0]).toBe('method_calls_total{class="Feed",method="items",result="ok"} 2');
  });

  test('a throw during iteration counts as an error, and the very error reaches the caller', async () => {
    const registry = new Registry();
    const failure = new RangeError('page 2 is broken');
    class Pages {
      @Counted({ registry }) @InProgress({ registry })
      *pages(): Generator<number> {
        yield 1;
        throw failure;
      }
    }
    const iterator = new Pages().pages();
    iterator.next();
    expect(() => iterator.next()).toThrow(failure);
    const after = await signals(registry);
    expect(after.inProgress).toEqual(['method_in_progress{class="Pages",method="pages"} 0']);
    expect(after.calls).toEqual(['method_calls_total{class="Pages",method="pages",result="ok"} 0', 'method_calls_total{class="Pages",method="pages",result="error"} 1']);
  });

  test('an async generator is followed through its promises, for await included', async () => {
    const registry = new Registry();
    class Stream {
      @Counted({ registry }) @InProgress({ registry })
      async *chunks(fail: boolean): AsyncGenerator<string> {
        yield 'x';
        await new Promise((resolve) => setTimeout(resolve, 1));
        if (fail) throw new TypeError('stream cut');
        yield 'y';
      }
    }
    const stream = new Stream();
    const iterator = stream.chunks(false);
    expect(Object.prototype.toString.call(iterator)).toBe('[object AsyncGenerator]');
    expect(iterator[Symbol.asyncIterator]()).toBe(iterator);
    const seen: string[] = [];
    for await (const chunk of iterator) seen.push(chunk);
    expect(seen).toEqual(['x', 'y']);
    await expect(
      (async () => {
        for await (const chunk of stream.chunks(true)) void chunk;
      })(),
    ).rejects.toThrow('stream cut');
    const after = await signals(registry);
    expect(after.inProgress).toEqual(['method_in_progress{class="Stream",method="chunks"} 0']);
    expect(after.calls).toEqual(['method_calls_total{class="Stream",method="chunks",result="ok"} 1', 'method_calls_total{class="Stream",method="chunks",result="error"} 1']);
  });
});
