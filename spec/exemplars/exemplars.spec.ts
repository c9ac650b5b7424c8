/**
 * Exemplars from the active trace (issue 16, item 3) on what the decorators and the HTTP metrics
 * write, with the real OpenTelemetry SDK: `{ trace_id, span_id }`, the value, the tick's time;
 * on counters and on the histogram bucket the observation fell in; at most one per series and
 * bucket per interval; never in the text format; off per decorator, per adapter and for the process.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { Registry } from '../support/prometheus-client.js';
import { configureExemplars, CountExceptions, Counted, Timed } from '../../lib';
import { exemplarTicks } from '../../lib/exemplars/sampling-clock';
import { renderMetrics } from '../../lib/exposition/render';
import { nodeHttpMetrics } from '../../lib/http-metrics/node-http';
import { fakeClock } from '../core/fake-clock';
import { listen, send, stop } from '../http-metrics/http-client';

const OPENMETRICS = 'application/openmetrics-text; version=1.0.0';
const contextManager = new AsyncLocalStorageContextManager();
const tracer = () => trace.getTracer('exemplars.spec');

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  trace.setGlobalTracerProvider(new TracerProvider({}));
});

afterAll(() => {
  configureExemplars({ enabled: true, intervalSeconds: 1 });
  trace.disable();
  context.disable();
});

// A fresh tick for each test, and none during it: what is due is decided by the test alone.
beforeEach(() => configureExemplars({ enabled: true, intervalSeconds: 1000 }));

/** A new sampling interval (configureExemplars starts a fresh tick). */
function nextInterval(): void {
  configureExemplars({ intervalSeconds: 1000 });
}

/** Runs `body` in a new span; returns the span's IDs as an exemplar writes them. */
function inSpan(body: () => unknown): string {
  return tracer().startActiveSpan('call', (span) => {
    try {
      body();
    } catch {
      // a failing call is what some tests trace
    } finally {
      span.end();
    }
    const { traceId, spanId } = span.spanContext();
    return `{trace_id="${traceId}",span_id="${spanId}"}`;
  });
}

async function lines(registry: Registry, prefix: string, accept = OPENMETRICS): Promise<string[]> {
  const { body } = await renderMetrics({ registry, accept });
  return body.split('\n').filter((line) => line.startsWith(prefix));
}

/** The exemplar timestamp every write of the current tick gets: the tick's start, in Unix seconds. */
const tickSeconds = () => exemplarTicks.startedAtMs / 1000;

describe('exemplars on what the decorators write', () => {
  test('@Counted: the first call of an interval inside a sampled span gives its counter the span IDs, value 1, the tick time; later calls of the interval do not', async () => {
    const registry = new Registry();
    class Shop {
      @Counted({ registry, name: 'orders' }) order(): void {}
    }
    const shop = new Shop();
    const first = inSpan(() => shop.order());
    inSpan(() => shop.order());
    expect(await lines(registry, 'orders_total')).toEqual([`orders_total 2 # ${first} 1 ${tickSeconds()}`]);
    nextInterval();
    const third = inSpan(() => shop.order());
    expect(await lines(registry, 'orders_total')).toEqual([`orders_total 3 # ${third} 1 ${tickSeconds()}`]);
  });

  test('a call outside any span takes the look of its interval: the last exemplar stays until the next one', async () => {
    const registry = new Registry();
    class Shop {
      @Counted({ registry, name: 'orders' }) order(): void {}
    }
    const shop = new Shop();
    shop.order();
    inSpan(() => shop.order());
    expect(await lines(registry, 'orders_total')).toEqual(['orders_total 2']);
    nextInterval();
    const traced = inSpan(() => shop.order());
    const stamp = tickSeconds();
    nextInterval();
    shop.order();
    expect(await lines(registry, 'orders_total')).toEqual([`orders_total 4 # ${traced} 1 ${stamp}`]);
  });

  test('@Timed: the exemplar goes on the bucket the observation fell in, each bucket sampled on its own', async () => {
    const registry = new Registry();
    const clock = fakeClock();
    try {
      class Shop {
        @Timed({ registry, name: 'pay_seconds', buckets: [0.1, 1] }) pay(seconds: number): void {
          clock.advance(seconds);
        }
      }
      const shop = new Shop();
      const fast = inSpan(() => shop.pay(0.05));
      const slow = inSpan(() => shop.pay(0.5));
      inSpan(() => shop.pay(0.06));
      expect(await lines(registry, 'pay_seconds_bucket')).toEqual([
        `pay_seconds_bucket{le="0.1"} 2 # ${fast} 0.05 ${tickSeconds()}`,
        `pay_seconds_bucket{le="1.0"} 3 # ${slow} 0.5 ${tickSeconds()}`,
        'pay_seconds_bucket{le="+Inf"} 3',
      ]);
    } finally {
      clock.restore();
    }
  });

  test("@Timed with a native histogram: in mode 'both' on the classic bucket; in mode 'native' on the +Inf bucket, the one classic bucket written", async () => {
    const registry = new Registry();
    const clock = fakeClock();
    try {
      class Shop {
        @Timed({ registry, name: 'both_seconds', buckets: [0.1, 1], nativeHistogram: { mode: 'both' } }) both(seconds: number): void {
          clock.advance(seconds);
        }
        @Timed({ registry, name: 'native_seconds', nativeHistogram: true }) native(seconds: number): void {
          clock.advance(seconds);
        }
      }
      const shop = new Shop();
      const both = inSpan(() => shop.both(0.5));
      const native = inSpan(() => shop.native(0.5));
      expect(await lines(registry, 'both_seconds_bucket')).toEqual(['both_seconds_bucket{le="0.1"} 0', `both_seconds_bucket{le="1.0"} 1 # ${both} 0.5 ${tickSeconds()}`, 'both_seconds_bucket{le="+Inf"} 1']);
      expect(await lines(registry, 'native_seconds_bucket')).toEqual([`native_seconds_bucket{le="+Inf"} 1 # ${native} 0.5 ${tickSeconds()}`]);
    } finally {
      clock.restore();
    }
  });

  test('@CountExceptions: the error counter takes the exemplar of the failing call', async () => {
    const registry = new Registry();
    class Shop {
      @CountExceptions({ registry, name: 'failures' }) fail(): void {
        throw new RangeError('no');
      }
    }
    const failed = inSpan(() => new Shop().fail());
    expect(await lines(registry, 'failures_total')).toEqual([`failures_total 1 # ${failed} 1 ${tickSeconds()}`]);
  });

  test('computed labels: the counter of the chosen series takes it', async () => {
    const registry = new Registry();
    class Shop {
      @Counted({ registry, name: 'sales', labelNames: ['item'], labelsFrom: ({ args }) => ({ item: String(args[0]) }) }) sell(_item: string): void {}
    }
    const shop = new Shop();
    const tea = inSpan(() => shop.sell('tea'));
    const cake = inSpan(() => shop.sell('cake'));
    expect(await lines(registry, 'sales_total')).toEqual([`sales_total{item="tea"} 1 # ${tea} 1 ${tickSeconds()}`, `sales_total{item="cake"} 1 # ${cake} 1 ${tickSeconds()}`]);
  });

  test('never in the text format; none with exemplars: false, nor for the process with configureExemplars({ enabled: false })', async () => {
    const registry = new Registry();
    class Shop {
      @Counted({ registry, name: 'orders' }) order(): void {}
      @Counted({ registry, name: 'quiet', exemplars: false }) quiet(): void {}
      @Counted({ registry, name: 'later' }) later(): void {}
    }
    const shop = new Shop();
    inSpan(() => shop.order());
    inSpan(() => shop.quiet());
    expect(await lines(registry, 'orders_total', 'text/plain')).toEqual(['orders_total 1']);
    expect(await lines(registry, 'quiet_total')).toEqual(['quiet_total 1']);
    configureExemplars({ enabled: false });
    inSpan(() => shop.later());
    nextInterval();
    inSpan(() => shop.later());
    expect(await lines(registry, 'later_total')).toEqual(['later_total 2']);
  });

  test('resetMetrics() drops the exemplars with the counts', async () => {
    const registry = new Registry();
    class Shop {
      @Counted({ registry, name: 'orders' }) order(): void {}
    }
    inSpan(() => new Shop().order());
    registry.resetMetrics();
    expect(await lines(registry, 'orders_total')).toEqual(['orders_total 0']);
  });

  test.each([[{ exemplars: 'no' }, '@Counted on Shop.order: exemplars must be true or false, got "no". Pass { exemplars: false } to take none, or leave it out']])('refuses %p', (options, message) => {
    const registry = new Registry();
    expect(() => {
      class Shop {
        @Counted({ registry, ...(options as object) }) order(): void {}
      }
      return Shop;
    }).toThrow(message);
  });
});

describe('exemplars on the HTTP metrics', () => {
  let server: Server | undefined;
  afterEach(async () => {
    if (server !== undefined) await stop(server);
    server = undefined;
  });

  /** A server whose requests are each handled inside a span (as tracing instrumentation does), ended once the response closed. */
  async function tracedServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; spans: string[] }> {
    const spans: string[] = [];
    server = createServer((req, res) => {
      tracer().startActiveSpan('request', (span) => {
        const { traceId, spanId } = span.spanContext();
        spans.push(`{trace_id="${traceId}",span_id="${spanId}"}`);
        res.on('close', () => span.end());
        handler(req, res);
      });
    });
    return { url: await listen(server), spans };
  }

  test('the span active when the request arrived, on http_requests_total and the duration bucket; one request per interval looks', async () => {
    const registry = new Registry();
    const { url, spans } = await tracedServer(nodeHttpMetrics((_req, res) => res.end('ok'), { registry, route: () => '/shop', buckets: [100] }));
    await send(`${url}/shop`);
    await send(`${url}/shop`);
    const [first] = spans;
    expect(await lines(registry, 'http_requests_total')).toEqual([`http_requests_total{method="GET",route="/shop",status_code="200"} 2 # ${first} 1 ${tickSeconds()}`]);
    expect((await lines(registry, 'http_request_duration_seconds_bucket')).map((line) => line.replace(/\} (\d+) # (\{[^}]*\}) [0-9.e-]+ /, '} $1 # $2 V '))).toEqual([
      `http_request_duration_seconds_bucket{le="100.0",method="GET",route="/shop",status_code="200"} 2 # ${first} V ${tickSeconds()}`,
      'http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/shop",status_code="200"} 2',
    ]);
  });

  test('none with exemplars: false; a native duration takes its exemplar on the +Inf bucket', async () => {
    const quiet = new Registry();
    const native = new Registry();
    const recordBoth = nodeHttpMetrics(
      nodeHttpMetrics((_req, res) => res.end('ok'), { registry: quiet, route: () => '/shop', exemplars: false }),
      { registry: native, route: () => '/shop', nativeHistogram: true },
    );
    const { url, spans } = await tracedServer(recordBoth);
    await send(`${url}/shop`);
    expect(await lines(quiet, 'http_requests_total')).toEqual(['http_requests_total{method="GET",route="/shop",status_code="200"} 1']);
    const [bucket] = await lines(native, 'http_request_duration_seconds_bucket');
    expect(bucket).toMatch(new RegExp(`^http_request_duration_seconds_bucket\\{le="\\+Inf",method="GET",route="/shop",status_code="200"\\} 1 # ${spans[0].replace(/[{}]/g, '\\$&')} [0-9.e-]+ ${tickSeconds()}$`));
  });
});
