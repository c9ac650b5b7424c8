import { Registry } from '../support/prometheus-client.js';
import { Counted, InProgress, Timed, listInstrumented } from '../../lib/index';

function lines(text: string): string[] {
  return text.split('\n').filter((line) => !line.startsWith('#'));
}

describe('plain functions', () => {
  test('a wrapped function keeps name, length and this, and a sync function stays sync', async () => {
    const registry = new Registry();
    function rawFetchRepo(this: { base: string } | void, owner: string, repo: string): string {
      return `${this ? this.base : ''}${owner}/${repo}`;
    }
    const fetchRepo = Timed({ name: 'github_fetch_duration_seconds', registry, buckets: [1] })(rawFetchRepo);
    expect(fetchRepo.name).toBe('rawFetchRepo');
    expect(fetchRepo.length).toBe(2);
    expect(fetchRepo.call({ base: 'https://example.test/' }, 'a', 'b')).toBe('https://example.test/a/b');
    const client = { base: 'x:', fetchRepo };
    expect(client.fetchRepo('c', 'd')).toBe('x:c/d');
    expect(lines(await registry.getSingleMetricAsString('github_fetch_duration_seconds'))).toContain('github_fetch_duration_seconds_count 2');
  });

  test('on a default metric a plain function is labelled class="" and its name', async () => {
    const registry = new Registry();
    const double = Counted({ registry })(function double(value: number): number {
      return value * 2;
    });
    expect(double(4)).toBe(8);
    expect(lines(await registry.getSingleMetricAsString('method_calls_total'))).toEqual([
      'method_calls_total{class="",method="double",result="ok"} 1',
      'method_calls_total{class="",method="double",result="error"} 0',
    ]);
    expect(listInstrumented().find((entry) => entry.className === '')?.methods.find((method) => method.name === 'double')?.metrics[0]).toMatchObject({
      decorator: 'Counted',
      name: 'method_calls_total',
    });
  });

  test('an anonymous function needs a method option, which then names it', async () => {
    const registry = new Registry();
    const anonymous = [(value: number) => value + 1][0];
    expect(() => Counted({ registry })(anonymous)).toThrow(
      "@Counted on an anonymous function: the function has no name to use as the method label. Pass { method: 'fetchRepo' } to name it",
    );
    const increment = Counted({ registry, method: 'increment' })(anonymous);
    expect(increment(1)).toBe(2);
    expect(lines(await registry.getSingleMetricAsString('method_calls_total'))[0]).toBe('method_calls_total{class="",method="increment",result="ok"} 1');
  });

  test('stacked on a function our decorators share one wrapper, and async is followed until it settles', async () => {
    const registry = new Registry();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    async function load(): Promise<string> {
      await gate;
      return 'loaded';
    }
    const timed = Timed({ registry, buckets: [10] })(load);
    const both = InProgress({ registry })(timed);
    expect(both).toBe(timed);
    const pending = both();
    expect(lines(await registry.getSingleMetricAsString('method_in_progress'))).toEqual(['method_in_progress{class="",method="load"} 1']);
    release();
    await expect(pending).resolves.toBe('loaded');
    expect(lines(await registry.getSingleMetricAsString('method_in_progress'))).toEqual(['method_in_progress{class="",method="load"} 0']);
    expect(lines(await registry.getSingleMetricAsString('method_duration_seconds'))).toContain('method_duration_seconds_count{class="",method="load",result="ok"} 1');
  });
});
