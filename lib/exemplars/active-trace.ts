/**
 * The trace and span IDs of the span running now, from @opentelemetry/api when the app has it
 * (an optional peer: apps on @prometheus-io/client have it already, the client depends on it).
 * The API keeps its state on globalThis, so the copy required here sees the tracer provider
 * and context manager the app registered through its own copy, ESM or CommonJS.
 */
import { requireFromLibrary } from '../client/require-from-library.cjs';

/** The exemplar labels OpenMetrics and Grafana expect for a trace. */
export interface TraceExemplarLabels {
  trace_id: string;
  span_id: string;
}

interface SpanLike {
  isRecording(): boolean;
  spanContext(): { traceId: string; spanId: string; traceFlags: number };
}

interface TraceApiLike {
  trace: { getActiveSpan(): SpanLike | undefined };
}

/** The W3C trace flag "sampled": only a sampled trace is kept by the tracing backend, so only its IDs are worth linking to. */
const SAMPLED = 0x1;

let api: TraceApiLike | null | undefined;

function traceApi(): TraceApiLike | null {
  if (api === undefined) {
    try {
      api = requireFromLibrary('@opentelemetry/api') as TraceApiLike;
    } catch {
      api = null; // not installed: no exemplars, and no second try per call
    }
  }
  return api;
}

/** Whether @opentelemetry/api can be loaded, so exemplars can ever be taken. */
export function traceApiAvailable(): boolean {
  return traceApi() !== null;
}

/** The active span's IDs when a span is recording and its trace is sampled; undefined otherwise (and whenever the API misbehaves). */
export function activeTraceExemplar(): TraceExemplarLabels | undefined {
  const otel = traceApi();
  if (otel === null) return undefined;
  try {
    const span = otel.trace.getActiveSpan();
    if (span === undefined || !span.isRecording()) return undefined;
    const context = span.spanContext();
    if ((context.traceFlags & SAMPLED) === 0) return undefined;
    return { trace_id: context.traceId, span_id: context.spanId };
  } catch {
    return undefined; // a broken tracer must not break the instrumented call
  }
}
