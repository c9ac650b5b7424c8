/**
 * The rendered label text of a series is cached by its label object across scrapes
 * (lib/exposition/text-format.ts): what a scrape serves after a reset, after an idle series is
 * dropped, and after it comes back, is what a fresh render would write.
 */
import { Registry } from '../support/prometheus-client.js';
import { Counted } from '../../lib';
import type { MetricsRegistry } from '../../lib/client/registry';
import { createScrapeResponder } from '../../lib/exposition/scrape';
import { sampleLines } from './http-client';

const OPENMETRICS = 'application/openmetrics-text;version=1.0.0';

function scraper(registry: Registry): (accept?: string) => Promise<string> {
  const responder = createScrapeResponder({ registry: registry as unknown as MetricsRegistry, selfMetrics: false }, 'the label cache spec');
  return async (accept) => {
    const response = await responder({ method: 'GET', url: '/metrics', header: (name) => (name === 'accept' ? accept : undefined) });
    return response!.body.toString('utf8');
  };
}

afterEach(() => jest.restoreAllMocks());

test('after registry.resetMetrics() the same series are written at zero, with their labels', async () => {
  const registry = new Registry();
  class Shop {
    @Counted({ registry, name: 'sales', labelNames: ['item'], labelsFrom: ({ args }) => ({ item: String(args[0]) }) })
    sell(item: string): string {
      return item;
    }
  }
  const shop = new Shop();
  for (const item of ['pear', 'fig "black"', 'pear']) shop.sell(item);
  const scrape = scraper(registry);
  expect(sampleLines(await scrape(), 'sales_total')).toEqual([
    'sales_total{item="pear"} 2',
    'sales_total{item="fig \\"black\\""} 1',
  ]);
  registry.resetMetrics();
  shop.sell('fig "black"');
  expect(sampleLines(await scrape(), 'sales_total')).toEqual([
    'sales_total{item="pear"} 0',
    'sales_total{item="fig \\"black\\""} 1',
  ]);
});

test('an idle series leaves every format once dropped, and comes back from zero with its labels when written again', async () => {
  let now = 10_000;
  jest.spyOn(performance, 'now').mockImplementation(() => now);
  const registry = new Registry();
  class Lookups {
    @Counted({ registry, name: 'lookups', labelNames: ['user'], labelsFrom: ({ args }) => ({ user: String(args[0]) }), seriesTtlSeconds: 60 })
    find(user: string): string {
      return user;
    }
  }
  const lookups = new Lookups();
  lookups.find('ann\\n');
  lookups.find('bob');
  const scrape = scraper(registry);
  const lines = async (accept?: string) => sampleLines(await scrape(accept), 'lookups_total');
  expect(await lines()).toEqual(['lookups_total{user="ann\\\\n"} 1', 'lookups_total{user="bob"} 1']);
  now += 30_000;
  lookups.find('bob');
  await scrape();
  now += 31_000;
  // ann has not been written for 61 s: dropped at this collect, in every format.
  expect(await lines()).toEqual(['lookups_total{user="bob"} 2']);
  expect(await lines(OPENMETRICS)).toEqual(['lookups_total{user="bob"} 2']);
  lookups.find('ann\\n');
  expect(await lines()).toEqual(['lookups_total{user="bob"} 2', 'lookups_total{user="ann\\\\n"} 1']);
});
