/**
 * "Trying the Prometheus Python client" (seeds/http-server-client.ja.md): a GET/POST
 * server whose paths ending in `/error` throw. Per-method counters, an exception counter
 * shared by both methods, a summary of GET times and a summary of POST times by url, and a
 * status counter labelled method, url and status_code.
 *
 * The tutorial slept 1 to 4 s per request; the demo sleeps 10 to 40 ms so the load moves.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Counted, CountExceptions, Timed } from '../../lib/index.js';
import { counter, summary } from './direct-metrics.js';
import { randomInt, type Random } from './random.js';

/**
 * Labels taken from the request and its outcome, so written by hand; the router counts
 * every response here, 500s included (the tutorial's author noted they were missing).
 * TODO(computed labels): `url` and `status_code` computed from the call.
 */
export const HTTP_STATUS = counter({ name: 'http_status_total', help: 'HTTP Access Counter', labelNames: ['method', 'url', 'status_code'] });

/** TODO(computed labels): `url` computed from the call's argument. */
const POST_REQUEST_TIME = summary({ name: 'http_post_request_processing_seconds', help: 'HTTP POST Request Time', labelNames: ['method', 'url'] });

export class EchoFailure extends Error {
  name = 'EchoFailure';
}

const EXCEPTIONS = { name: 'exceptions', help: 'HTTP Server Exception Counter' };

export class EchoServer {
  constructor(private readonly random: Random = Math.random) {}

  @CountExceptions(EXCEPTIONS)
  @Timed({ type: 'summary', name: 'http_get_request_processing_seconds', help: 'HTTP GET Request Time' })
  @Counted({ name: 'http_get_requests', help: 'HTTP GET Request Counter' })
  async doGet(path: string): Promise<string> {
    if (path.endsWith('/error')) throw new EchoFailure('Error');
    await sleep(randomInt(this.random, 1, 4) * 10);
    return `Hello World!! from ${path} as GET\n`;
  }

  @CountExceptions(EXCEPTIONS)
  @Counted({ name: 'http_post_requests', help: 'HTTP POST Request Counter' })
  async doPost(path: string, body: string): Promise<string> {
    const start = performance.now();
    if (path.endsWith('/error')) throw new EchoFailure('Error');
    await sleep(randomInt(this.random, 1, 4) * 10);
    POST_REQUEST_TIME.labels('POST', path).observe((performance.now() - start) / 1000);
    return `Hello World!! from ${path} as POST (${Buffer.byteLength(body)} bytes)\n`;
  }
}
