/**
 * The French TP, "TP - appareiller une application pour Prometheus": its example app's
 * metrics, with decorators where the tutorial wrote them by hand.
 *
 * | tutorial (Python)                                   | here                                       |
 * |-----------------------------------------------------|--------------------------------------------|
 * | REQUESTS = Counter('example_app_total') + inc()     | @Counted({ name: 'example_app' })          |
 * | with EXCEPTIONS.count_exceptions(): ...             | @CountExceptions({ name: ... })            |
 * | @LATENCY.time() with custom buckets                 | @Timed({ name: ..., buckets })             |
 * | @INPROGRESS.track_inprogress()                      | @InProgress({ name: ... })                 |
 * | LAST.set_to_current_time() after the response       | @LastCalled({ on: 'success', name: ... })  |
 * | SALES.inc(random.random())                          | prom-client Counter: amounts are not calls |
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Counted, CountExceptions, InProgress, LastCalled, Timed } from '../../lib/index.js';
import { counter } from './direct-metrics.js';
import type { Random } from './random.js';

/** The tutorial's buckets stop at 0.1 s although its app sleeps 0.4 s and 3 s: these cover both. */
export const EXAMPLE_APP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Share of requests that throw, as in the tutorial (`random.random() < 0.2`). */
export const EXAMPLE_APP_FAILURE_RATIO = 0.2;

const SALES = counter({ name: 'example_sales_total', help: 'Cumulated turnover of the sales in euros.' });

export class ExampleAppFailure extends Error {
  name = 'ExampleAppFailure';
}

/** What a caller may force instead of the dice (tests and curious users: `/example?fail=1&delay=0.3`). */
export interface ExampleRequest {
  fail?: boolean;
  delaySeconds?: number;
}

export class ExampleApp {
  constructor(private readonly random: Random = Math.random) {}

  @Counted({ name: 'example_app', help: 'Requests to the example application.' })
  @CountExceptions({ name: 'example_app_exceptions', help: 'Exceptions raised while the example application served a request.' })
  @Timed({ name: 'example_app_latency_seconds', help: 'Time to serve a request.', buckets: EXAMPLE_APP_BUCKETS })
  @InProgress({ name: 'example_app_request_inprogress', help: 'Requests being served.' })
  @LastCalled({ on: 'success', name: 'example_app_request_last_time_seconds', help: 'Last time a request was served.' })
  async handle(request: ExampleRequest = {}): Promise<string> {
    if (request.fail ?? this.random() < EXAMPLE_APP_FAILURE_RATIO) throw new ExampleAppFailure('the dice said fail (about 20% of requests)');
    // The tutorial's slow paths: 5% take 3 s, 10% of the rest take 0.4 s.
    const delaySeconds = request.delaySeconds ?? (this.random() < 0.05 ? 3 : this.random() < 0.1 ? 0.4 : 0);
    if (delaySeconds > 0) await sleep(delaySeconds * 1000);
    const sale = this.random();
    SALES.inc(sale);
    return `A sale of ${sale.toFixed(2)} EUR was made.\n`;
  }
}
