import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from '../support/prometheus-client.js';

/** Test plumbing: a loopback client without keep-alive, server start/stop, and scrapes. */

export interface Answer {
  status: number;
  body: string;
}

/** One request with `Connection: close`, so no socket outlives the test. */
export function send(url: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Starts a request and lets the test destroy its socket before the answer arrives. */
export function sendAndAbortLater(url: string): { abort(): void; ended: Promise<void> } {
  const req = httpRequest(url, { agent: false });
  const ended = new Promise<void>((resolve) => {
    req.on('error', () => resolve()); // "socket hang up" once we destroy it
    req.on('close', () => resolve());
    req.on('response', (res) => res.resume());
  });
  req.end();
  return { abort: () => req.destroy(), ended };
}

/** Listens on 127.0.0.1, port 0; returns the base URL. */
export function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

export function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * The registry's exposition once every request the test sent has been recorded. A response
 * is recorded when it closes on the server, which may come a moment after the client has
 * read it; the in-flight gauge tells when nothing is open any more. Bounded: 200 tries.
 */
export async function scrapeWhenIdle(registry: Registry, expectedInFlight = 0): Promise<string> {
  let text = '';
  for (let attempt = 0; attempt < 200; attempt++) {
    text = await registry.metrics();
    if (inFlightTotal(text) === expectedInFlight) return text;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`in-flight never reached ${expectedInFlight}:\n${text}`);
}

function inFlightTotal(text: string): number {
  let total = 0;
  for (const line of text.split('\n')) if (line.startsWith('http_requests_in_flight{')) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  return total;
}

/** The sample lines of one metric (exact name, or name + `_bucket` etc. when asked), sorted. */
export function samples(text: string, name: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .sort();
}

/** A door the slow route waits at: the test sees the request arrive, then lets it go. */
export class Gate {
  private arrivedResolve!: () => void;
  private releaseResolve!: () => void;
  readonly arrived = new Promise<void>((resolve) => (this.arrivedResolve = resolve));
  private readonly released = new Promise<void>((resolve) => (this.releaseResolve = resolve));

  enter(): Promise<void> {
    this.arrivedResolve();
    return this.released;
  }

  release(): void {
    this.releaseResolve();
  }
}
