import { createServer as createHttpServer, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { inspect } from 'node:util';
import { Registry } from '../support/prometheus-client.js';
import { EndpointOptionsError } from '../../lib/errors';
import { pushMetrics } from '../../lib/exposition/pushgateway';
import { freePort } from './processes';

// Issue 12, items 4 and 6: gateways that answer too much, too slowly or elsewhere, all on loopback.

/** A server on loopback whose every socket is destroyed by `close()`. */
async function listening(server: Server): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = (): Promise<void> => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close };
}

/** A gateway answering each request with `answer`, once the request's body has arrived. */
function httpGateway(answer: (response: ServerResponse) => void): Promise<{ url: string; close: () => Promise<void> }> {
  return listening(createHttpServer((request, response) => request.resume().on('end', () => answer(response))));
}

/** A raw TCP gateway that, once the request has arrived, sends `text` a byte every `intervalMs`. */
function tricklingGateway(text: string, intervalMs: number): Promise<{ url: string; close: () => Promise<void> }> {
  return listening(
    createNetServer((socket) => {
      let sent = 0;
      let timer: NodeJS.Timeout | undefined;
      socket.on('error', () => undefined);
      socket.on('close', () => clearInterval(timer));
      socket.once('data', () => {
        // Bounded: the text's length, a byte at a time.
        timer = setInterval(() => {
          if (sent < text.length && !socket.destroyed) socket.write(text[sent++]);
          else clearInterval(timer);
        }, intervalMs);
      });
    }),
  );
}

/** Everything an error exposes: message, stack, own properties and their nesting. */
function everythingIn(error: unknown): string {
  return `${String(error)}\n${(error as Error)?.stack}\n${inspect(error, { depth: 5, showHidden: true })}`;
}

async function rejection(push: Promise<void>): Promise<Error> {
  try {
    await push;
  } catch (error) {
    return error as Error;
  }
  throw new Error('the push resolved');
}

describe('pushMetrics against a hostile gateway (issue 12 §4)', () => {
  test('an endless 500 answer is read up to 64 KiB, quoted that far, and its socket closed', async () => {
    let written = 0;
    let closed = false;
    const limit = 256 * 1024 * 1024;
    const gateway = await httpGateway((response) => {
      response.on('close', () => {
        closed = true;
      });
      response.writeHead(500, { 'Content-Type': 'text/plain' });
      const chunk = Buffer.alloc(16 * 1024, 'x');
      // Bounded in bytes (256 MiB, then the answer ends) and paced by the client's reading.
      const pump = (): void => {
        while (!closed && written < limit) {
          written += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
        if (!closed) response.end();
      };
      pump();
    });
    try {
      const error = await rejection(pushMetrics({ url: gateway.url, job: 'endless', registry: new Registry(), timeoutMs: 10_000 }));
      expect(error.message).toMatch(new RegExp(`^pushMetrics\\(\\): PUT ${gateway.url}/metrics/job/endless failed with status 500, x{65536}… \\(answer cut at 65536 bytes\\)$`));
      for (let wait = 0; wait < 100 && !closed; wait++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(closed).toBe(true);
      // What the socket buffers took in before it closed, far from the 256 MiB offered.
      expect(written).toBeLessThan(16 * 1024 * 1024);
    } finally {
      await gateway.close();
    }
  });

  test.each([
    ['the status line', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'.padEnd(400, ' ')],
    ['the body of a 500', `HTTP/1.1 500 Internal Server Error\r\nContent-Length: 400\r\n\r\n${'x'.repeat(400)}`],
  ])('a gateway trickling %s a byte every 20 ms is given up at timeoutMs, counted over the whole push', async (_phase, text) => {
    const gateway = await tricklingGateway(text, 20);
    try {
      const started = Date.now();
      const error = await rejection(pushMetrics({ url: gateway.url, job: 'slow', registry: new Registry(), timeoutMs: 300 }));
      expect(error.message).toBe(`pushMetrics(): PUT ${gateway.url}/metrics/job/slow timed out: not done within timeoutMs (300 ms)`);
      // An idle timeout would wait for the whole trickle (8 s and more); the deadline does not.
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await gateway.close();
    }
  });

  test('a 3xx is not a success: the rejection names the status and the Location (its password hidden)', async () => {
    const moved = await httpGateway((response) => response.writeHead(302, { Location: 'http://user:s3cret@elsewhere:9091/metrics' }).end());
    const unchanged = await httpGateway((response) => response.writeHead(304).end());
    try {
      const error = await rejection(pushMetrics({ url: moved.url, job: 'x', registry: new Registry() }));
      expect(error.message).toBe(
        `pushMetrics(): PUT ${moved.url}/metrics/job/x failed with status 302 (Location: http://user:***@elsewhere:9091/metrics; redirects are not followed: pass the gateway's own URL)`,
      );
      expect(everythingIn(error)).not.toContain('s3cret');
      await expect(pushMetrics({ url: unchanged.url, job: 'x', method: 'delete' })).rejects.toThrow(
        `pushMetrics(): DELETE ${unchanged.url}/metrics/job/x failed with status 304 (redirects are not followed: pass the gateway's own URL)`,
      );
    } finally {
      await moved.close();
      await unchanged.close();
    }
  });

  test('a gateway that closes the connection mid-answer rejects', async () => {
    const gateway = await listening(
      createNetServer((socket) => {
        socket.on('error', () => undefined);
        socket.once('data', () => socket.end('HTTP/1.1 500 Oops\r\nContent-Length: 100\r\n\r\nhalf'));
      }),
    );
    try {
      await expect(pushMetrics({ url: gateway.url, job: 'x', registry: new Registry(), timeoutMs: 5_000 })).rejects.toThrow(
        `pushMetrics(): PUT ${gateway.url}/metrics/job/x failed: the gateway answered 500 and closed the connection before the end of its answer (aborted)`,
      );
    } finally {
      await gateway.close();
    }
  });

  test('bad options and a bad timeoutMs reject (never throw), naming the fix', async () => {
    let pushed: Promise<void> | undefined;
    expect(() => {
      pushed = pushMetrics(undefined as never);
    }).not.toThrow();
    await expect(pushed).rejects.toThrow('pushMetrics(): url must be an http(s) URL string, not undefined');
    await expect(pushMetrics({ url: 9091 as never, job: 'x' })).rejects.toThrow('url must be an http(s) URL string, not number');
    for (const timeoutMs of [0, -1, Number.NaN, 2 ** 31, '100' as never]) {
      await expect(pushMetrics({ url: 'http://127.0.0.1:1', job: 'x', timeoutMs })).rejects.toThrow(
        `pushMetrics(): timeoutMs ${String(timeoutMs)} must be a number of milliseconds above 0 and at most 2147483647. Pass { timeoutMs: 10_000 } (the default).`,
      );
    }
  });
});

describe('pushMetrics never repeats a password from the URL (issue 12 §6)', () => {
  test.each([
    ['user:secret@localhost:9091', 'url "user:***@localhost:9091" must be an http(s) URL'],
    ['ftp://user:secret@host/', 'url "ftp://user:***@host/" must be an http(s) URL'],
    ['http:/user:secret@host', 'url "http:***@host" must be an http(s) URL'],
    ['ftp://token-secret@host', 'url "ftp://***@host" must be an http(s) URL'],
    ['http://user:secret@[::1', 'url "http://user:***@[::1" is not a valid URL'],
    ['http://user:p@ss:secret@host:99999', 'url "http://user:***@host:99999" is not a valid URL'],
  ])('in the validation error of %j', async (url, problem) => {
    const error = await rejection(pushMetrics({ url, job: 'x' }));
    expect(error).toBeInstanceOf(EndpointOptionsError);
    expect(error.message).toBe(`pushMetrics(): ${problem}. Pass { url: 'http://localhost:9091', job: 'my_job' }.`);
    expect(everythingIn(error)).not.toContain('secret');
  });

  test('in the errors of a push: an error status, a redirect, a timeout, a refused connection', async () => {
    const failing = await httpGateway((response) => response.writeHead(500).end('boom'));
    const moved = await httpGateway((response) => response.writeHead(307, { Location: '/elsewhere' }).end());
    const silent = await httpGateway(() => undefined);
    const refused = `http://127.0.0.1:${await freePort()}`;
    const withPassword = (url: string): string => url.replace('http://', 'http://batch:secret@');
    try {
      const errors = [
        await rejection(pushMetrics({ url: withPassword(failing.url), job: 'x', registry: new Registry() })),
        await rejection(pushMetrics({ url: withPassword(moved.url), job: 'x', registry: new Registry() })),
        await rejection(pushMetrics({ url: withPassword(silent.url), job: 'x', registry: new Registry(), timeoutMs: 200 })),
        await rejection(pushMetrics({ url: withPassword(refused), job: 'x', registry: new Registry() })),
      ];
      expect(errors.map((error) => error.message)).toEqual([
        `pushMetrics(): PUT ${failing.url}/metrics/job/x failed with status 500, boom`,
        `pushMetrics(): PUT ${moved.url}/metrics/job/x failed with status 307 (Location: /elsewhere; redirects are not followed: pass the gateway's own URL)`,
        `pushMetrics(): PUT ${silent.url}/metrics/job/x timed out: not done within timeoutMs (200 ms)`,
        expect.stringContaining('ECONNREFUSED'),
      ]);
      for (const error of errors) expect(everythingIn(error)).not.toContain('secret');
    } finally {
      await failing.close();
      await moved.close();
      await silent.close();
    }
  });
});
