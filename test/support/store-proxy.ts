import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * How the network between a client and its store behaves: `pass` relays to the store, `hang`
 * accepts connections and never answers (a paused store), `reset` resets every connection (a
 * store that is gone).
 */
export type ProxyMode = 'pass' | 'hang' | 'reset';

export interface StoreProxy {
  url: string;
  /** Connections accepted so far, in every mode: how many times a client tried the store. */
  readonly connections: number;
  /** Changes the mode; connections already open are cut, as a failing network would. */
  setMode(mode: ProxyMode): void;
  close(): Promise<void>;
}

/** A TCP relay on loopback in front of a real store, whose failures the test switches on and off. */
export async function startStoreProxy(target: string): Promise<StoreProxy> {
  const { hostname, port } = new URL(target);
  let mode: ProxyMode = 'pass';
  let connections = 0;
  const open = new Set<Socket>();
  const track = (socket: Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => undefined);
  };
  const server = createServer((client) => {
    connections++;
    track(client);
    if (mode === 'reset') return void client.resetAndDestroy();
    if (mode === 'hang') return void client.resume();
    const upstream = connect(Number(port), hostname);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get connections() {
      return connections;
    },
    setMode(next) {
      mode = next;
      for (const socket of open) socket.destroy();
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
