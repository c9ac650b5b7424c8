import { request as httpRequest } from 'node:http';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
}

/** One request with `Connection: close` (no socket outlives a test), bounded by `timeoutMs`. */
export function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, agent: false, timeout: options.timeoutMs ?? 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${url} did not answer in time`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Sends a request and destroys its socket after `afterMs`, before the answer; resolves once the socket is gone. */
export function sendAndAbort(url: string, afterMs: number): Promise<void> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { agent: false });
    req.on('error', () => resolve()); // "socket hang up": we destroyed it
    req.on('close', () => resolve());
    req.on('response', (res) => res.resume());
    req.end();
    setTimeout(() => req.destroy(), afterMs);
  });
}

/** The sample lines of `name` (exact name, labels or none), sorted. */
export function samples(text: string, name: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .sort();
}

/**
 * A scrape once every request sent so far is recorded: a response is recorded when it closes
 * on the server, a moment after the client read it, and the in-flight gauge says when none is
 * open any more (scrapes are not counted). Bounded: 100 tries.
 */
export async function scrapeWhenIdle(url: string): Promise<string> {
  let text = '';
  for (let attempt = 0; attempt < 100; attempt++) {
    text = (await send(url)).text;
    const open = samples(text, 'http_requests_in_flight').reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    if (open === 0) return text;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`requests stayed in flight:\n${text}`);
}
