import { metricIn, registerIn } from '../client/bridge.js';
import { DecoratorMisuseError } from '../errors.js';
import { CounterFamily } from './counter-family.js';
import { familyIn, type AnyRegistry, type FamilyKind, type MetricFamily, type LabelValues } from './family.js';
import { GaugeFamily, TimestampFamily } from './gauge-family.js';
import { HistogramFamily } from './histogram-family.js';
import { SummaryFamily, type SummaryShape } from './summary-family.js';

/** What a decorator asks for: get this metric, or create it when the name is free. */
export interface FamilyRequest {
  registry: AnyRegistry;
  kind: FamilyKind;
  name: string;
  help: string;
  labelNames: readonly string[];
  /** Who asks, for error messages: the decorator and "Class.method". */
  decorator: string;
  place: string;
  buckets?: readonly number[];
  summary?: SummaryShape;
  maxSeries?: number;
}

type FamilyFor<K extends FamilyKind> = K extends 'counter'
  ? CounterFamily
  : K extends 'gauge'
    ? GaugeFamily
    : K extends 'timestamp'
      ? TimestampFamily
      : K extends 'histogram'
        ? HistogramFamily
        : SummaryFamily;

const KIND_WORDS: Record<FamilyKind, string> = {
  counter: 'a counter',
  gauge: 'a gauge',
  timestamp: 'a timestamp gauge',
  histogram: 'a histogram',
  summary: 'a summary',
};

/**
 * Get-or-create: the same name, kind and label names give back the metric already in the
 * registry (re-imports, jest module resets and hot reload never throw); a real conflict is
 * a decoration-time error that names both places.
 */
export function declareFamily<K extends FamilyKind>(request: FamilyRequest & { kind: K }): FamilyFor<K> {
  const { registry, name, decorator, place } = request;
  const existing = familyIn(registry, name);
  if (existing !== undefined) {
    const problem = conflictBetween(existing, request);
    if (problem !== undefined) {
      throw new DecoratorMisuseError(
        decorator,
        place,
        `metric "${name}" is declared here as ${describe(request)}, but ${existing.declaredAt} already declared it as ${describe(existing as unknown as FamilyRequest)} (${problem})`,
        'Use the same options in both places, or give one of them another name',
      );
    }
    return existing as unknown as FamilyFor<K>;
  }
  if (metricIn(registry, name) !== undefined) {
    throw new DecoratorMisuseError(
      decorator,
      place,
      `metric "${name}" is already registered in this registry by code outside prom-decorators`,
      'Give the decorator another name, or remove the other registration',
    );
  }
  const family = createFamily(request);
  registerIn(registry, family);
  return family as unknown as FamilyFor<K>;
}

function createFamily(request: FamilyRequest): MetricFamily<{ labels: LabelValues }> {
  const options = {
    name: request.name,
    help: request.help,
    labelNames: [...request.labelNames],
    declaredAt: `@${request.decorator} on ${request.place}`,
    maxSeries: request.maxSeries,
  };
  switch (request.kind) {
    case 'counter':
      return new CounterFamily(options);
    case 'gauge':
      return new GaugeFamily(options);
    case 'timestamp':
      return new TimestampFamily(options);
    case 'histogram':
      return new HistogramFamily(options, [...(request.buckets ?? [])]);
    case 'summary':
      return new SummaryFamily(options, request.summary ?? { percentiles: [] });
  }
}

function conflictBetween(existing: MetricFamily<{ labels: LabelValues }>, request: FamilyRequest): string | undefined {
  if (existing.kind !== request.kind) return 'the types differ';
  const had = [...existing.labelNames].sort().join(',');
  const wants = [...request.labelNames].sort().join(',');
  if (had !== wants) return `labels [${had}] against [${wants}]`;
  // Told by kind, not instanceof: after a jest module reset or a hot reload the existing family
  // comes from another copy of this library, whose classes are not ours.
  if (existing.kind === 'histogram') {
    const bounds = (existing as HistogramFamily).upperBounds;
    if (bounds.join(',') !== (request.buckets ?? []).join(',')) return `buckets [${bounds.join(', ')}] against [${(request.buckets ?? []).join(', ')}]`;
  }
  if (existing.kind === 'summary') {
    const shape = (existing as SummaryFamily).shape;
    if (JSON.stringify(shape) !== JSON.stringify(request.summary)) return `summary options ${JSON.stringify(shape)} against ${JSON.stringify(request.summary)}`;
  }
  return undefined;
}

function describe(family: { kind: FamilyKind; labelNames: readonly string[] }): string {
  const labels = family.labelNames.length === 0 ? 'no labels' : `labels ${family.labelNames.join(', ')}`;
  return `${KIND_WORDS[family.kind]} with ${labels}`;
}
