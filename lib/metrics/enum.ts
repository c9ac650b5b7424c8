import { globalRegistry } from '../client/bridge.js';
import { MetricOptionsError } from '../errors.js';
import type { MetricsRegistry } from '../client/registry.js';
import type { PublishedMetric } from './family.js';
import { replaceIn } from './info.js';
import { METRIC_SHAPE, type MetricShape, type ShapedMetric } from './registration.js';
import { labelNameProblem, metricNameProblem } from './validation.js';

export interface EnumOptions<S extends string> {
  /** Metric name; it is also the label that carries the state. */
  name: string;
  help?: string;
  /** Every state, in order; exactly one is current. */
  states: readonly S[];
  /** The state at start. Default: the first. */
  initial?: NoInfer<S>;
  /** Default: the Prometheus client's global `register`. */
  registry?: MetricsRegistry;
}

/**
 * A state metric as in Python's client: one series per declared state, exactly one at 1
 * (`application_state{application_state="running"} 1`, the others 0).
 *
 * @example
 * const state = new Enum({ name: 'application_state', states: ['starting', 'running', 'stopped'] });
 * state.state('running');
 */
export class Enum<S extends string = string> implements ShapedMetric {
  readonly [METRIC_SHAPE]: MetricShape;
  readonly name: string;
  readonly help: string;
  readonly type = 'gauge';
  readonly aggregator = 'first';
  readonly states: readonly S[];
  private current: number;
  private readonly initial: number;

  constructor(options: EnumOptions<S>) {
    const problem = metricNameProblem(options.name);
    if (problem !== undefined) throw new MetricOptionsError('Enum', undefined, problem, 'Pass a name such as "application_state".');
    // The name is also the label that carries the state, and label names are stricter (no ':', no '__' prefix).
    const labelProblem = labelNameProblem(options.name);
    if (labelProblem !== undefined) {
      throw new MetricOptionsError('Enum', options.name, `${labelProblem}: an Enum's name is also the label of its state`, `Pass a name such as "${suggestLabelName(options.name)}".`);
    }
    if (!Array.isArray(options.states) || options.states.length === 0 || new Set(options.states).size !== options.states.length) {
      throw new MetricOptionsError('Enum', options.name, 'states must be a non-empty list without repeats', "Pass every state once, e.g. states: ['starting', 'running', 'stopped'].");
    }
    this.name = options.name;
    this.help = options.help ?? 'Current state of the application.';
    this.states = [...options.states];
    this.current = 0;
    if (options.initial !== undefined) this.state(options.initial);
    this.initial = this.current;
    this[METRIC_SHAPE] = { kind: 'enum', name: this.name, help: this.help, labelNames: [this.name], declaredAt: `Enum "${this.name}"` };
    replaceIn(options.registry ?? globalRegistry, this, 'Enum');
  }

  /** Makes `state` the current one; an undeclared state throws. */
  state(state: S): void {
    const index = this.states.indexOf(state);
    if (index === -1) throw new MetricOptionsError('Enum', this.name, `"${state}" is not one of its states`, `Pass one of: ${this.states.join(', ')}.`);
    this.current = index;
  }

  /** The current state. */
  get value(): S {
    return this.states[this.current];
  }

  get(): PublishedMetric {
    const values = this.states.map((state, index) => ({ labels: { [this.name]: state }, value: index === this.current ? 1 : 0 }));
    return { name: this.name, help: this.help, type: this.type, openMetricsType: 'stateset', values, aggregator: this.aggregator };
  }

  /** `registry.resetMetrics()`: back to the initial state. */
  reset(): void {
    this.current = this.initial;
  }
}

/** A label name suggestion: ':' and other invalid characters turned into '_', the reserved prefix dropped. */
function suggestLabelName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_]/g, '_').replace(/^_+/, '');
  return cleaned === '' || cleaned === 'le' || cleaned === 'quantile' ? 'application_state' : /^[0-9]/.test(cleaned) ? `state_${cleaned}` : cleaned;
}
