import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';

/** The start of a scrape that never ends: the request line and one header, no blank line. */
export const HALF_SENT_REQUEST = 'GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n';

/** One client connection that a slowloris client opened and left idle. */
export interface IdleConnection {
  socket: Socket;
  /** What the server wrote to it. */
  received: string;
  /** Milliseconds from the start of the attack to the close, or undefined while it is open. */
  closedAfterMs: number | undefined;
}

export interface IdleConnections {
  connections: IdleConnection[];
  open(): IdleConnection[];
  closed(): IdleConnection[];
  /** Resolves once every connection is closed, or after `withinMs` (then some are still open). */
  allClosed(withinMs: number): Promise<void>;
  /** Destroys every connection still open. */
  destroy(): void;
}

/**
 * Opens `count` connections to 127.0.0.1:port, each sending `sent` (over TLS when `tls` is
 * given) and then nothing more. Resolves once each is connected (or already closed by the server).
 */
export async function openIdleConnections(port: number, count: number, sent: string, tls?: ConnectionOptions): Promise<IdleConnections> {
  const startedAt = Date.now();
  const connections: IdleConnection[] = [];
  const ready: Array<Promise<void>> = [];
  const closeWaiters: Array<() => void> = [];
  for (let index = 0; index < count; index++) {
    ready.push(
      new Promise<void>((resolve) => {
        const onConnected = () => {
          if (sent !== '') connection.socket.write(sent);
          resolve();
        };
        const socket = tls === undefined ? connectTcp(port, '127.0.0.1', onConnected) : connectTls({ port, host: '127.0.0.1', ...tls }, onConnected);
        const connection: IdleConnection = { socket, received: '', closedAfterMs: undefined };
        socket.setEncoding('latin1');
        socket.on('data', (chunk: string) => (connection.received += chunk));
        socket.on('error', () => undefined); // a connection the server drops ends in ECONNRESET or EPIPE
        socket.on('close', () => {
          connection.closedAfterMs = Date.now() - startedAt;
          resolve();
          for (const wake of closeWaiters.splice(0)) wake();
        });
        connections.push(connection);
      }),
    );
  }
  await Promise.all(ready);
  const open = () => connections.filter((connection) => connection.closedAfterMs === undefined);
  return {
    connections,
    open,
    closed: () => connections.filter((connection) => connection.closedAfterMs !== undefined),
    allClosed: async (withinMs) => {
      const deadline = Date.now() + withinMs;
      while (open().length > 0 && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, deadline - Date.now());
          closeWaiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    destroy: () => {
      for (const connection of connections) connection.socket.destroy();
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
