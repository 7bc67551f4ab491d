import { once } from 'node:events';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny round-robin HTTP proxy on 127.0.0.1, so that several bot instances sit behind one URL
 * the way they do behind a real load balancer: every request (not every connection) goes to the
 * next target in turn, so two copies of one webhook usually land on different instances.
 *
 * The end-to-end tests and `npm run bench` both put it in front of several instances.
 *
 * `pin(index)` sends everything to one target until `pin(null)`; tests use it to start a sign-in
 * on one instance and finish it on the other.
 */
export interface LoadBalancer {
  readonly url: string;
  /** Target base URLs (http://127.0.0.1:PORT); may be set after the proxy is listening. */
  targets: string[];
  /** Requests forwarded to each target, by index. */
  readonly forwarded: number[];
  pin(index: number | null): void;
  close(): Promise<void>;
}

export async function startLoadBalancer(targets: string[] = []): Promise<LoadBalancer> {
  let next = 0;
  let pinned: number | null = null;
  const forwarded: number[] = [];

  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    if (balancer.targets.length === 0) {
      res.writeHead(502).end('no target');
      return;
    }
    const index = pinned ?? next++ % balancer.targets.length;
    forwarded[index] = (forwarded[index] ?? 0) + 1;
    const target = new URL(req.url ?? '/', balancer.targets[index]);
    const upstream = request(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end('bad gateway');
    });
    req.pipe(upstream);
  };

  const server: Server = createServer(forward);
  server.keepAliveTimeout = 5_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  const balancer: LoadBalancer = {
    url: `http://127.0.0.1:${port}`,
    targets: [...targets],
    forwarded,
    pin(index) {
      pinned = index;
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return balancer;
}
