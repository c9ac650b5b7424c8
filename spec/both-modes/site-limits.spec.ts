import { Registry } from '../support/prometheus-client.js';
import { Counted, DecoratorMisuseError, setLogger, Timed } from '../../lib/index';
import { resetWarnings } from '../../lib/log';

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

beforeEach(() => {
  resetWarnings();
  setLogger({ warn() {} });
});
afterEach(() => setLogger(undefined));

describe('per-site series limits through every decorator (issue 12 §11)', () => {
  test('maxSeriesPerSite: one method past its own cap records __overflow__, another method on the same metric keeps room', async () => {
    const registry = new Registry();
    class Forest {
      @Counted({ registry, name: 'plantings', labelNames: ['region'], labelsFrom: ({ args }) => ({ region: args[0] as string }), maxSeriesPerSite: 2 })
      plant(_region: string): void {}
      @Counted({ registry, name: 'plantings', labelNames: ['region'], labelsFrom: ({ args }) => ({ region: args[0] as string }), maxSeriesPerSite: 2 })
      replant(_region: string): void {}
    }
    const forest = new Forest();
    for (const region of ['north', 'south', 'east', 'west']) forest.plant(region);
    forest.replant('east');
    expect(lines(await registry.getSingleMetricAsString('plantings_total'))).toEqual([
      'plantings_total{region="north"} 1',
      'plantings_total{region="south"} 1',
      'plantings_total{region="__overflow__"} 2',
      'plantings_total{region="east"} 1',
    ]);
  });

  test('a summary series dropped for being idle takes its quantiles with it', async () => {
    const registry = new Registry();
    class Mill {
      @Timed({ registry, name: 'grind_seconds', type: 'summary', percentiles: [0.5], labelNames: ['grain'], labelsFrom: ({ args }) => ({ grain: args[0] as string }), seriesTtlSeconds: 0.05 })
      grind(_grain: string): void {}
    }
    new Mill().grind('rye');
    expect(lines(await registry.getSingleMetricAsString('grind_seconds')).map((line) => line.replace(/ [^ ]+$/, ''))).toEqual([
      'grind_seconds{quantile="0.5",grain="rye"}',
      'grind_seconds_sum{grain="rye"}',
      'grind_seconds_count{grain="rye"}',
    ]);
    await new Promise((resolve) => setTimeout(resolve, 80));
    await registry.getSingleMetricAsString('grind_seconds');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(lines(await registry.getSingleMetricAsString('grind_seconds'))).toEqual([]);
  });

  test('a bad seriesTtlSeconds is a misuse error when the class is defined', () => {
    const registry = new Registry();
    expect(() => {
      class Quarry {
        @Counted({ registry, name: 'blocks', labelNames: ['stone'], labelsFrom: () => ({ stone: 'granite' }), seriesTtlSeconds: 0 })
        cut(): void {}
      }
      return Quarry;
    }).toThrow(DecoratorMisuseError);
  });
});
