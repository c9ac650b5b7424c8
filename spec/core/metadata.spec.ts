import { Registry } from '../support/prometheus-client.js';
import { CountExceptions, Counted, InProgress, LastCalled, Timed, listInstrumented } from '../../lib/index';

/** listInstrumented() is process-wide: each test looks only at the classes it declared. */
function entryOf(target: object) {
  return listInstrumented().find((entry) => entry.target === target);
}

describe('listInstrumented()', () => {
  test('lists each class and method with the metrics it writes: decorator, name, type, label names, help', () => {
    const registry = new Registry();
    class TreeService {
      @Counted({ registry }) @Timed({ registry }) @InProgress({ registry }) @CountExceptions({ registry }) @LastCalled({ registry })
      countTrees(): void {}

      @Counted({ registry, name: 'tree_plantings', help: 'Trees planted', labels: { region: 'north' } })
      @Timed({ registry, name: 'tree_planting_seconds', type: 'summary' })
      static plant(): void {}
    }
    expect(entryOf(TreeService)).toEqual({
      className: 'TreeService',
      target: TreeService,
      methods: [
        {
          name: 'countTrees',
          static: false,
          metrics: [
            // decorators apply bottom-up
            {
              decorator: 'LastCalled',
              name: 'method_last_called_timestamp_seconds',
              type: 'gauge',
              labelNames: ['class', 'method'],
              help: 'Unix time in seconds when an instrumented method was last called, by class and method.',
              staticLabels: {},
              on: 'call',
            },
            {
              decorator: 'CountExceptions',
              name: 'method_exceptions_total',
              type: 'counter',
              labelNames: ['class', 'method', 'error'],
              help: 'Errors thrown (or rejected) by instrumented methods, by class, method and error type.',
              staticLabels: {},
            },
            { decorator: 'InProgress', name: 'method_in_progress', type: 'gauge', labelNames: ['class', 'method'], help: 'Calls of instrumented methods currently running, by class and method.', staticLabels: {} },
            {
              decorator: 'Timed',
              name: 'method_duration_seconds',
              type: 'histogram',
              labelNames: ['class', 'method', 'result'],
              help: 'Duration of instrumented method calls in seconds (until the returned promise settles), by class, method and result.',
              staticLabels: {},
            },
            {
              decorator: 'Counted',
              name: 'method_calls_total',
              type: 'counter',
              labelNames: ['class', 'method', 'result'],
              help: 'Completed calls of instrumented methods, by class, method and result (ok or error).',
              staticLabels: {},
            },
          ],
        },
        {
          name: 'plant',
          static: true,
          metrics: [
            { decorator: 'Timed', name: 'tree_planting_seconds', type: 'summary', labelNames: [], help: 'Call durations in seconds measured by @Timed.', staticLabels: {} },
            { decorator: 'Counted', name: 'tree_plantings_total', type: 'counter', labelNames: ['region'], help: 'Trees planted', staticLabels: { region: 'north' } },
          ],
        },
      ],
    });
  });

  test("a subclass's specs never leak into its parent, and the parent's are not repeated on the subclass", () => {
    const registry = new Registry();
    class Repository {
      @Counted({ registry }) load(): void {}
    }
    class UserRepository extends Repository {
      @Counted({ registry }) override load(): void {}
      @Timed({ registry }) save(): void {}
    }
    expect(entryOf(Repository)!.methods.map((method) => [method.name, method.metrics.map((metric) => metric.decorator)])).toEqual([['load', ['Counted']]]);
    expect(entryOf(UserRepository)!.methods.map((method) => [method.name, method.metrics.map((metric) => metric.decorator)])).toEqual([
      ['load', ['Counted']],
      ['save', ['Timed']],
    ]);
  });

  test('a class with no decorators of ours is not listed; the list is a copy that callers cannot corrupt', () => {
    const registry = new Registry();
    class Plain {
      load(): void {}
    }
    class Instrumented {
      @Counted({ registry }) load(): void {}
    }
    expect(entryOf(Plain)).toBeUndefined();
    entryOf(Instrumented)!.methods[0].metrics[0].labelNames.push('tampered');
    entryOf(Instrumented)!.methods.pop();
    expect(entryOf(Instrumented)!.methods[0].metrics[0].labelNames).toEqual(['class', 'method', 'result']);
  });

  test('a class declared again with the same name, methods and metrics is listed once, as its latest definition; a changed one is listed apart (issue 12, item 7)', () => {
    const registry = new Registry();
    const declare = () => {
      class ReloadedRepository {
        @Counted({ registry }) load(): void {}
      }
      return ReloadedRepository;
    };
    const first = declare();
    const latest = declare();
    const declareChanged = () => {
      class ReloadedRepository {
        @Counted({ registry }) load(): void {}
        @Timed({ registry }) save(): void {}
      }
      return ReloadedRepository;
    };
    const changed = declareChanged();
    const listed = listInstrumented().filter((entry) => entry.className === 'ReloadedRepository');
    expect(listed.map((entry) => entry.target)).toEqual([latest, changed]);
    expect(listed.map((entry) => entry.target)).not.toContain(first);
  });

  test('plain functions are listed once by name, with every distinct metric the live ones write (issue 12, item 7)', () => {
    const registry = new Registry();
    const wrapped = [1, 2, 3].map(() => Counted({ registry })(function listedOnceHandler(): void {}));
    Timed({ registry })(wrapped[0]);
    const entries = listInstrumented().find((entry) => entry.className === '')!.methods.filter((method) => method.name === 'listedOnceHandler');
    expect(entries.map((method) => method.metrics.map((metric) => metric.decorator))).toEqual([['Counted', 'Timed']]);
  });
});
