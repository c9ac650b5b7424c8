/**
 * The PyCon workshop, "Observing Python Applications with Prometheus" (PyConES 2023, by
 * simpcyclassy and others): `/treecounter` shows how many trees were planted, with a
 * request counter labelled `status` and `endpoint` and, in the bonus section, a latency
 * histogram labelled `endpoint`.
 *
 * The service behind the endpoint carries the five default decorators, exactly as the
 * README's quickstart shows them; the endpoint's `status` label is computed from the call.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Counted, CountExceptions, InProgress, LastCalled, Timed } from '../../lib/index.js';
import { randomInt, type Random } from './random.js';

export class TreeCountUnavailable extends Error {
  name = 'TreeCountUnavailable';
}

export class TreeService {
  private planted = 1_000_000;

  constructor(private readonly random: Random = Math.random) {}

  @Counted() @Timed() @InProgress() @CountExceptions() @LastCalled()
  async countTrees(region: string, fail?: boolean): Promise<number> {
    await sleep(randomInt(this.random, 1, 20));
    if (fail ?? this.random() < 0.05) throw new TreeCountUnavailable(`tree database for ${region} did not answer`);
    this.planted += randomInt(this.random, 0, 3);
    return this.planted;
  }
}

export class TreeCounterEndpoint {
  constructor(private readonly trees: TreeService) {}

  /** The workshop's `requestCounter.labels(status='200', endpoint='/treecounter').inc()`, with `status` computed from the outcome. */
  @Counted({
    name: 'requests',
    help: 'total number of requests',
    labels: { endpoint: '/treecounter' },
    labelNames: ['status'],
    labelsFrom: ({ error }) => ({ status: error === undefined ? '200' : '500' }),
  })
  @Timed({ name: 'request_latency_seconds', help: 'Request latency', labels: { endpoint: '/treecounter' } })
  async get(fail?: boolean): Promise<string> {
    const total = await this.trees.countTrees('world', fail);
    return `${total} trees planted by Ecosia users\n`;
  }
}
