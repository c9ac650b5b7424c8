/**
 * The PyCon ES workshop (seeds/pycon-treecounter.md): `/treecounter` shows how many trees
 * were planted, with a request counter labelled `status` and `endpoint` and, in the bonus
 * section, a latency histogram labelled `endpoint`.
 *
 * The service behind the endpoint carries the five default decorators, exactly as the
 * README's quickstart shows them.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Counted, CountExceptions, InProgress, LastCalled, Timed } from '../../lib/index.js';
import { counter } from './direct-metrics.js';
import { randomInt, type Random } from './random.js';

/**
 * `status` depends on how the call ended, so this counter is written by hand.
 * TODO(computed labels): move to @Counted with a `status` label computed from the outcome.
 */
const REQUESTS = counter({ name: 'requests_total', help: 'total number of requests', labelNames: ['status', 'endpoint'] });

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
  constructor(private readonly trees: TreeService) {
    // Both statuses exist from the start, so rate() and the error ratio see them at once.
    REQUESTS.labels('200', '/treecounter').inc(0);
    REQUESTS.labels('500', '/treecounter').inc(0);
  }

  @Timed({ name: 'request_latency_seconds', help: 'Request latency', labels: { endpoint: '/treecounter' } })
  async get(fail?: boolean): Promise<string> {
    try {
      const total = await this.trees.countTrees('world', fail);
      REQUESTS.labels('200', '/treecounter').inc();
      return `${total} trees planted by Ecosia users\n`;
    } catch (error) {
      REQUESTS.labels('500', '/treecounter').inc();
      throw error;
    }
  }
}
