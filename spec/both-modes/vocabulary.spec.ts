import { Registry } from '../support/prometheus-client.js';
import { Counted, Enum, Info, getSampleValue, resetMetrics } from '../../lib/index';

describe('Info and Enum, as in Python', () => {
  test('Info exposes its key-values as labels of one series at 1, with _info appended', async () => {
    const registry = new Registry();
    const info = new Info({ name: 'application', help: 'Build information.', labels: { version: '1.2.3', commit: 'abc123' }, registry });
    expect(await registry.getSingleMetricAsString('application_info')).toBe(
      ['# HELP application_info Build information.', '# TYPE application_info gauge', 'application_info{version="1.2.3",commit="abc123"} 1'].join('\n'),
    );
    info.set({ version: '1.2.4' });
    expect(await registry.getSingleMetricAsString('application_info')).toContain('application_info{version="1.2.4"} 1');
  });

  test('Enum exposes one series per state, exactly one at 1', async () => {
    const registry = new Registry();
    const state = new Enum({ name: 'application_state', help: 'Lifecycle.', states: ['starting', 'running', 'stopped'], registry });
    state.state('running');
    expect(state.value).toBe('running');
    expect(await registry.getSingleMetricAsString('application_state')).toBe(
      [
        '# HELP application_state Lifecycle.',
        '# TYPE application_state gauge',
        'application_state{application_state="starting"} 0',
        'application_state{application_state="running"} 1',
        'application_state{application_state="stopped"} 0',
      ].join('\n'),
    );
    expect(() => state.state('paused' as 'running')).toThrow('Enum "application_state": "paused" is not one of its states. Pass one of: starting, running, stopped.');
  });

  test('an Enum name that is no label name is refused at construction, with a fix (issue 13 §2)', () => {
    const registry = new Registry();
    expect(() => new Enum({ name: 'app:state', states: ['up'], registry })).toThrow(
      'Enum "app:state": label name "app:state" is invalid (it must match [a-zA-Z_][a-zA-Z0-9_]*): an Enum\'s name is also the label of its state. Pass a name such as "app_state".',
    );
    expect(() => new Enum({ name: '__state', states: ['up'], registry })).toThrow(
      'Enum "__state": label name "__state" is reserved (the "__" prefix belongs to Prometheus): an Enum\'s name is also the label of its state. Pass a name such as "state".',
    );
    expect(registry.getMetricsAsArray()).toEqual([]);
  });

  test('an Info named only "_info" is refused: its family name would be empty (issue 13 §3)', () => {
    const registry = new Registry();
    // the problem is worded by validation.ts's metricNameProblem, shared with the decorators' names
    expect(() => new Info({ name: '_info', registry })).toThrow(/^Info: metric name "_info" is .*suffix "_info".*\. Pass a name such as "application"\.$/);
    expect(registry.getMetricsAsArray()).toEqual([]);
  });

  test('resetMetrics() takes an Enum back to its initial state, not to the first (issue 12 §15)', async () => {
    const registry = new Registry();
    const state = new Enum({ name: 'door_state', states: ['open', 'closed', 'locked'], initial: 'closed', registry });
    state.state('locked');
    resetMetrics(registry);
    expect(state.value).toBe('closed');
    expect(await getSampleValue('door_state', { door_state: 'closed' }, registry)).toBe(1);
    const plain = new Enum({ name: 'light_state', states: ['off', 'on'], registry });
    plain.state('on');
    resetMetrics(registry);
    expect(plain.value).toBe('off');
  });

  test('creating them again (a module re-import) replaces the old one instead of throwing', async () => {
    const registry = new Registry();
    new Enum({ name: 'mode', states: ['a', 'b'], registry });
    const again = new Enum({ name: 'mode', states: ['a', 'b'], initial: 'b', registry });
    expect(again.value).toBe('b');
    expect(await registry.getSingleMetricAsString('mode')).toContain('mode{mode="b"} 1');
    expect(() => new Info({ name: 'mode', registry })).not.toThrow(); // mode_info is another name
  });
});

describe('test helpers for users', () => {
  test('getSampleValue reads one sample by name and exact labels; resetMetrics zeroes', async () => {
    const registry = new Registry();
    class TreeService {
      @Counted({ registry })
      countTrees(): number {
        return 3;
      }
    }
    new TreeService().countTrees();
    new TreeService().countTrees();
    const labels = { class: 'TreeService', method: 'countTrees', result: 'ok' };
    expect(await getSampleValue('method_calls_total', labels, registry)).toBe(2);
    expect(await getSampleValue('method_calls_total', { class: 'TreeService' }, registry)).toBeUndefined();
    expect(await getSampleValue('no_such_metric', {}, registry)).toBeUndefined();
    resetMetrics(registry);
    expect(await getSampleValue('method_calls_total', labels, registry)).toBe(0);
  });
});
