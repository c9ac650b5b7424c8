import { Registry } from '../support/prometheus-client.js';
import { Counted, CountExceptions, InProgress, LastCalled, Timed } from '../../lib/index';
import { resetWarnings } from '../../lib/log';
import { placeOf } from './mode';

// Runs in both decorator modes (jest projects "legacy" and "standard").

afterEach(() => {
  jest.restoreAllMocks();
  resetWarnings();
});

function lines(text: string): string[] {
  return text.split('\n').filter((line) => !line.startsWith('#'));
}

describe('labels computed from the call', () => {
  test("a job counter labelled status from the outcome: ok, error, timeout (the README's example; `throw undefined` is an error too)", async () => {
    const registry = new Registry();
    class TimeoutError extends Error {}
    class JobRunner {
      @Counted({
        name: 'jobs',
        registry,
        labelNames: ['status'],
        labelsFrom: ({ failed, error }) => ({ status: !failed ? 'ok' : error instanceof TimeoutError ? 'timeout' : 'error' }),
      })
      async run(outcome: 'ok' | 'error' | 'timeout' | 'undefined'): Promise<string> {
        if (outcome === 'timeout') throw new TimeoutError('slow');
        if (outcome === 'error') throw new Error('broken');
        if (outcome === 'undefined') throw undefined;
        return 'done';
      }
    }
    const runner = new JobRunner();
    await runner.run('ok');
    await runner.run('ok');
    await expect(runner.run('error')).rejects.toThrow('broken');
    await expect(runner.run('timeout')).rejects.toBeInstanceOf(TimeoutError);
    await expect(runner.run('undefined')).rejects.toBeUndefined();
    expect(lines(await registry.getSingleMetricAsString('jobs_total'))).toEqual(['jobs_total{status="ok"} 2', 'jobs_total{status="error"} 2', 'jobs_total{status="timeout"} 1']);
  });

  test('failed: false when the call starts and when it succeeds, true when it threw, rejected or its iteration threw, even with undefined', async () => {
    const registry = new Registry();
    const seen: string[] = [];
    const record = (label: string) => ({ failed, error }: { failed: boolean; error: unknown }) => {
      seen.push(`${label} failed=${failed} error=${String(error)}`);
      return { outcome: failed ? 'failed' : 'ok' };
    };
    class Jobs {
      @InProgress({ name: 'jobs_running', registry, labelNames: ['outcome'], labelsFrom: record('start') })
      @Counted({ name: 'job_runs', registry, labelNames: ['outcome'], labelsFrom: record('end') })
      run(how: 'return' | 'throw' | 'reject' | 'resolve'): unknown {
        if (how === 'throw') throw undefined;
        if (how === 'reject') return Promise.reject(undefined);
        if (how === 'resolve') return Promise.resolve(undefined);
        return undefined;
      }
      @Counted({ name: 'job_batches', registry, labelNames: ['outcome'], labelsFrom: record('iteration') })
      *batches(fail: boolean): Generator<number> {
        yield 1;
        if (fail) throw undefined;
      }
    }
    const jobs = new Jobs();
    jobs.run('return');
    expect(() => jobs.run('throw')).toThrow();
    await expect(jobs.run('reject')).rejects.toBeUndefined();
    await expect(jobs.run('resolve')).resolves.toBeUndefined();
    expect([...jobs.batches(false)]).toEqual([1]);
    expect(() => [...jobs.batches(true)]).toThrow();
    expect(seen).toEqual([
      'start failed=false error=undefined',
      'end failed=false error=undefined',
      'start failed=false error=undefined',
      'end failed=true error=undefined',
      'start failed=false error=undefined',
      'end failed=true error=undefined',
      'start failed=false error=undefined',
      'end failed=false error=undefined',
      'iteration failed=false error=undefined',
      'iteration failed=true error=undefined',
    ]);
    expect(lines(await registry.getSingleMetricAsString('job_runs_total'))).toEqual(['job_runs_total{outcome="ok"} 2', 'job_runs_total{outcome="failed"} 2']);
    expect(lines(await registry.getSingleMetricAsString('job_batches_total'))).toEqual(['job_batches_total{outcome="ok"} 1', 'job_batches_total{outcome="failed"} 1']);
  });

  test('an HTTP handler counter labelled method, url and status_code from the request and the response, next to a static label', () => {
    const registry = new Registry();
    interface Request {
      method: string;
      url: string;
    }
    class Handler {
      @Counted({
        name: 'http_status_codes',
        registry,
        labels: { server: 'demo' },
        labelNames: ['method', 'url', 'status_code'],
        labelsFrom: ({ args, result }) => ({ method: (args[0] as Request).method, url: (args[0] as Request).url, status_code: (result as { status: number }).status }),
      })
      handle(request: Request): { status: number } {
        return { status: request.url === '/missing' ? 404 : 200 };
      }
    }
    const handler = new Handler();
    handler.handle({ method: 'GET', url: '/' });
    handler.handle({ method: 'GET', url: '/missing' });
    handler.handle({ method: 'POST', url: '/' });
    return expect(registry.getSingleMetricAsString('http_status_codes_total').then(lines)).resolves.toEqual([
      'http_status_codes_total{server="demo",method="GET",url="/",status_code="200"} 1',
      'http_status_codes_total{server="demo",method="GET",url="/missing",status_code="404"} 1',
      'http_status_codes_total{server="demo",method="POST",url="/",status_code="200"} 1',
    ]);
  });

  test('the label function sees the instance', async () => {
    const registry = new Registry();
    class Shop {
      constructor(readonly region: string) {}
      @Timed({ name: 'checkout_seconds', registry, buckets: [1], labelNames: ['region'], labelsFrom: ({ instance }) => ({ region: (instance as Shop).region }) })
      checkout(): void {}
    }
    new Shop('eu').checkout();
    new Shop('us').checkout();
    const text = await registry.getSingleMetricAsString('checkout_seconds');
    expect(lines(text).filter((line) => line.includes('_count'))).toEqual(['checkout_seconds_count{region="eu"} 1', 'checkout_seconds_count{region="us"} 1']);
  });

  test('@InProgress computes its labels when the call starts and takes the same series back down', async () => {
    const registry = new Registry();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    class Queue {
      @InProgress({ name: 'queue_jobs_running', registry, labelNames: ['queue'], labelsFrom: ({ args }) => ({ queue: String(args[0]) }) })
      async work(queue: string): Promise<void> {
        await gate;
        void queue;
      }
    }
    const queue = new Queue();
    const running = [queue.work('mail'), queue.work('mail'), queue.work('sms')];
    expect(lines(await registry.getSingleMetricAsString('queue_jobs_running'))).toEqual(['queue_jobs_running{queue="mail"} 2', 'queue_jobs_running{queue="sms"} 1']);
    release();
    await Promise.all(running);
    expect(lines(await registry.getSingleMetricAsString('queue_jobs_running'))).toEqual(['queue_jobs_running{queue="mail"} 0', 'queue_jobs_running{queue="sms"} 0']);
  });

  test('@LastCalled on call labels the series from the arguments', async () => {
    const registry = new Registry();
    class Cron {
      @LastCalled({ name: 'cron_last_run_timestamp_seconds', registry, labelNames: ['task'], labelsFrom: ({ args }) => ({ task: args[0] as string }) })
      run(task: string): string {
        return task;
      }
    }
    new Cron().run('backup');
    const [line] = lines(await registry.getSingleMetricAsString('cron_last_run_timestamp_seconds'));
    const [series, value] = line.split(' ');
    expect(series).toBe('cron_last_run_timestamp_seconds{task="backup"}');
    expect(Math.abs(Number(value) - Date.now() / 1000)).toBeLessThan(5);
  });

  test('a label function that throws is logged once and the call goes on untouched', async () => {
    const registry = new Registry();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const failure = new Error('label bug');
    class Service {
      @Counted({
        name: 'fragile',
        registry,
        labelNames: ['kind'],
        labelsFrom: () => {
          throw failure;
        },
      })
      compute(value: number): number {
        return value * 2;
      }
    }
    const service = new Service();
    expect(service.compute(2)).toBe(4);
    expect(service.compute(3)).toBe(6);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith('prom-decorators: recording @Counted on Service.compute failed; the call went on without it', failure);
    expect(lines(await registry.getSingleMetricAsString('fragile_total'))).toEqual([]);
  });

  test('a label function returning a non-string, non-number value is a recording failure', async () => {
    const registry = new Registry();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    class Service {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- deliberately the wrong type: tests the run-time check
      @Counted({ name: 'odd', registry, labelNames: ['flag'], labelsFrom: (() => ({ flag: true })) as any })
      run(): string {
        return 'ran';
      }
    }
    expect(new Service().run()).toBe('ran');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][1])).toBe('TypeError: labelsFrom of Service.run gave label "flag" a boolean value; labels must be strings or numbers');
  });

  test('computed labels on a default metric are a decoration-time error that says to name the metric', () => {
    expect(() => {
      class Service {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- deliberately the wrong type: tests the run-time check
        @Counted({ labelNames: ['x'], labelsFrom: () => ({ x: 'y' }) } as any)
        run(): void {}
      }
      return Service;
    }).toThrow(`@Counted on ${placeOf('Service', 'run')}: computed labels need a named metric (the default "method_calls_total" has fixed labels). Give the metric a name`);
  });

  test('labelNames without labelsFrom, or a reserved computed label, is a decoration-time error', () => {
    expect(() => {
      class A {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- deliberately the wrong type: tests the run-time check
        @Counted({ name: 'a', labelNames: ['x'] } as any)
        run(): void {}
      }
      return A;
    }).toThrow(`@Counted on ${placeOf('A', 'run')}: computed labels need both labelNames and labelsFrom.`);
    expect(() => {
      class B {
        @Counted({ name: 'b', labelNames: ['le'], labelsFrom: () => ({ le: '1' }) })
        run(): void {}
      }
      return B;
    }).toThrow(`@Counted on ${placeOf('B', 'run')}: label name "le" is reserved (histograms and summaries use it). Rename the label in labelNames`);
  });

  test('the series cap sends new combinations to one __overflow__ series and warns once naming the metric', async () => {
    const registry = new Registry();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    class Users {
      @Counted({ name: 'user_lookups', registry, maxSeries: 2, labels: { source: 'api' }, labelNames: ['user'], labelsFrom: ({ args }) => ({ user: args[0] as string }) })
      find(id: string): string {
        return id;
      }
    }
    const users = new Users();
    for (const id of ['a', 'b', 'c', 'd', 'e', 'a']) users.find(id);
    expect(lines(await registry.getSingleMetricAsString('user_lookups_total'))).toEqual([
      'user_lookups_total{source="api",user="a"} 2',
      'user_lookups_total{source="api",user="b"} 1',
      'user_lookups_total{source="api",user="__overflow__"} 3',
    ]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toBe(
      'prom-decorators: metric "user_lookups_total" reached its cap of 2 series; new label combinations are recorded with __overflow__ (raise it with the maxSeries option, or compute labels with fewer distinct values)',
    );
  });

  test('the default exception counter caps its error types per method (100), so a noisy method leaves the others room', async () => {
    const registry = new Registry();
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    class Thrower {
      @CountExceptions({ registry })
      fail(kind: number): void {
        const ErrorKind = { [`Error${kind}`]: class extends Error {} }[`Error${kind}`];
        throw new ErrorKind('x');
      }

      @CountExceptions({ registry })
      other(): void {
        throw new RangeError('y');
      }
    }
    const thrower = new Thrower();
    for (let kind = 0; kind < 1005; kind++) expect(() => thrower.fail(kind)).toThrow('x');
    expect(() => thrower.other()).toThrow('y');
    const text = lines(await registry.getSingleMetricAsString('method_exceptions_total'));
    expect(text).toHaveLength(102);
    expect(text[100]).toBe('method_exceptions_total{class="Thrower",method="fail",error="__overflow__"} 905');
    expect(text[101]).toBe('method_exceptions_total{class="Thrower",method="other",error="RangeError"} 1');
  });

  test('computed label values longer than 256 characters are cut to 256, ending with …', async () => {
    const registry = new Registry();
    class Upstream {
      @Counted({ name: 'upstream_errors', registry, labelNames: ['message'], labelsFrom: ({ args }) => ({ message: args[0] as string }) })
      call(message: string): void {
        void message;
      }
    }
    const upstream = new Upstream();
    const huge = `{"error":"${'e'.repeat(100_000)}"}`;
    upstream.call(huge);
    upstream.call(`${huge} again`);
    upstream.call('😀'.repeat(200));
    expect(lines(await registry.getSingleMetricAsString('upstream_errors_total'))).toEqual([
      `upstream_errors_total{message="{\\"error\\":\\"${'e'.repeat(245)}…"} 2`,
      `upstream_errors_total{message="${'😀'.repeat(127)}…"} 1`,
    ]);
  });

  test('TypeScript rejects a label function that returns undeclared or missing keys, or other value types', () => {
    class Service {
      // @ts-expect-error: "other" is not declared in labelNames
      @Counted({ name: 'a', labelNames: ['status'], labelsFrom: () => ({ status: 'ok', other: 'x' }) })
      one(): void {}
      // @ts-expect-error: "region" is declared but not returned
      @Counted({ name: 'b', labelNames: ['status', 'region'], labelsFrom: () => ({ status: 'ok' }) })
      two(): void {}
      // @ts-expect-error: label values are strings or numbers
      @Counted({ name: 'c', labelNames: ['status'], labelsFrom: () => ({ status: true }) })
      three(): void {}
    }
    expect(Service).toBeDefined();
  });
});
