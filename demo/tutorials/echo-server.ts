/**
 * The Japanese tutorial, "PythonのPrometheus Clientを試してみる" ("Trying the Prometheus
 * Python client", on CLOVER🍀, the blog of Kazuhira): a GET/POST server whose paths ending
 * in `/error` throw. Per-method counters, an exception counter shared by both methods, a
 * summary of GET times and a summary of POST times by url, and a status counter labelled
 * method, url and status_code.
 *
 * The tutorial slept 1 to 4 s per request; the demo sleeps 10 to 40 ms so the load moves.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Counted, CountExceptions, Timed, type CallInfo } from '../../lib/index.js';
import { randomInt, type Random } from './random.js';

/**
 * The tutorial's `access_counter.labels('GET', path, '200')`, computed from the call: the
 * path argument and the outcome, so 500s are counted too (the tutorial's author noted
 * they were missing).
 */
const accessLabels = (method: string) => ({ args, error }: CallInfo) => ({ method, url: String(args[0]), status_code: error === undefined ? '200' : '500' });
const HTTP_STATUS = { name: 'http_status', help: 'HTTP Access Counter', labelNames: ['method', 'url', 'status_code'] as const };

export class EchoFailure extends Error {
  name = 'EchoFailure';
}

const EXCEPTIONS = { name: 'exceptions', help: 'HTTP Server Exception Counter' };

export class EchoServer {
  constructor(private readonly random: Random = Math.random) {}

  @CountExceptions(EXCEPTIONS)
  @Timed({ type: 'summary', name: 'http_get_request_processing_seconds', help: 'HTTP GET Request Time' })
  @Counted({ name: 'http_get_requests', help: 'HTTP GET Request Counter' })
  @Counted({ ...HTTP_STATUS, labelsFrom: accessLabels('GET') })
  async doGet(path: string): Promise<string> {
    if (path.endsWith('/error')) throw new EchoFailure('Error');
    await sleep(randomInt(this.random, 1, 4) * 10);
    return `Hello World!! from ${path} as GET\n`;
  }

  @CountExceptions(EXCEPTIONS)
  @Timed({
    type: 'summary',
    name: 'http_post_request_processing_seconds',
    help: 'HTTP POST Request Time',
    labelNames: ['method', 'url'],
    labelsFrom: ({ args }) => ({ method: 'POST', url: String(args[0]) }),
  })
  @Counted({ name: 'http_post_requests', help: 'HTTP POST Request Counter' })
  @Counted({ ...HTTP_STATUS, labelsFrom: accessLabels('POST') })
  async doPost(path: string, body: string): Promise<string> {
    if (path.endsWith('/error')) throw new EchoFailure('Error');
    await sleep(randomInt(this.random, 1, 4) * 10);
    return `Hello World!! from ${path} as POST (${Buffer.byteLength(body)} bytes)\n`;
  }
}
