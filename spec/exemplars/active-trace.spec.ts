/**
 * Exemplar IDs come from the span the OpenTelemetry SDK says is active (real @opentelemetry/api,
 * sdk-trace and the AsyncLocalStorage context manager), only while it records a sampled trace.
 */
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AlwaysOffSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import { activeTraceExemplar, traceApiAvailable } from '../../lib/exemplars/active-trace.js';
import { configureExemplars, exemplarTicks, startExemplarClock } from '../../lib/exemplars/sampling-clock.js';
import { PromDecoratorsError } from '../../lib/errors.js';

const contextManager = new AsyncLocalStorageContextManager();

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  trace.setGlobalTracerProvider(new TracerProvider({}));
});

afterAll(() => {
  trace.disable();
  context.disable();
});

describe('activeTraceExemplar()', () => {
  test('finds the API in this checkout', () => {
    expect(traceApiAvailable()).toBe(true);
  });

  test('is undefined outside any span', () => {
    expect(activeTraceExemplar()).toBeUndefined();
  });

  test('gives the IDs of the active span, across an await', async () => {
    const tracer = trace.getTracer('spec');
    const seen = await tracer.startActiveSpan('outer', async (span) => {
      await new Promise((resolve) => setImmediate(resolve));
      const ids = activeTraceExemplar();
      span.end();
      return { ids, expected: { trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId } };
    });
    expect(seen.ids).toEqual(seen.expected);
    expect(seen.ids!.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(seen.ids!.span_id).toMatch(/^[0-9a-f]{16}$/);
  });

  test('is undefined for a span that has ended, or one whose trace is not sampled', () => {
    const tracer = trace.getTracer('spec');
    const ended = tracer.startSpan('ended');
    ended.end();
    expect(context.with(trace.setSpan(context.active(), ended), () => activeTraceExemplar())).toBeUndefined();
    const unsampled = trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.NONE });
    expect(context.with(trace.setSpan(context.active(), unsampled), () => activeTraceExemplar())).toBeUndefined();
    const off = new TracerProvider({ sampler: new AlwaysOffSampler() }).getTracer('off');
    expect(off.startActiveSpan('dropped', (span) => { const ids = activeTraceExemplar(); span.end(); return ids; })).toBeUndefined();
  });

  test('is undefined when the tracer throws, and does not throw itself', () => {
    const broken = { isRecording: () => true, spanContext: () => { throw new Error('broken tracer'); } } as unknown as ReturnType<typeof trace.wrapSpanContext>;
    expect(context.with(trace.setSpan(context.active(), broken), () => activeTraceExemplar())).toBeUndefined();
  });
});

describe('the sampling clock', () => {
  afterEach(() => configureExemplars({ enabled: true, intervalSeconds: 1 }));

  test('ticks once per interval, after a restart with a new interval', async () => {
    configureExemplars({ intervalSeconds: 0.05 });
    const first = exemplarTicks.now;
    startExemplarClock();
    // Polled, bounded: a loaded machine may run the timer late, never early.
    for (let waited = 0; exemplarTicks.now - first < 2 && waited < 3000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(exemplarTicks.now - first).toBeGreaterThanOrEqual(2);
    expect(Date.now() - exemplarTicks.startedAtMs).toBeLessThan(1000);
  });

  test('stops when disabled', async () => {
    configureExemplars({ enabled: false, intervalSeconds: 0.02 });
    const stopped = exemplarTicks.now;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect([exemplarTicks.enabled, exemplarTicks.now]).toEqual([false, stopped]);
  });

  test.each([
    [{ interval: 5 }, 'configureExemplars(): unknown option "interval". The options are enabled and intervalSeconds.'],
    [{ intervalSeconds: 0 }, 'configureExemplars(): intervalSeconds must be a number of seconds above 0 and at most 2147482, not 0. Pass { intervalSeconds: 1 } (the default) or more.'],
    [{ intervalSeconds: Number.NaN }, 'configureExemplars(): intervalSeconds must be a number of seconds above 0 and at most 2147482, not null. Pass { intervalSeconds: 1 } (the default) or more.'],
    [{ enabled: 'no' }, 'configureExemplars(): enabled must be true or false, not "no". Pass { enabled: false } to take no exemplars.'],
    [null, 'configureExemplars(): options must be an object, not null. Pass { intervalSeconds: 5 } or { enabled: false }.'],
  ])('refuses %p', (options, message) => {
    const call = () => configureExemplars(options as never);
    expect(call).toThrow(PromDecoratorsError);
    expect(call).toThrow(message);
  });
});
