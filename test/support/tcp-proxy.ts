import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy of the test's own between the bot and a server (the shared Postgres), to cut
 * without touching the server: `reset()` drops every connection and refuses new ones until
 * `heal()`; `silence()` keeps connections open but forwards nothing (a partition: bytes are held,
 * not lost, and delivered once healed).
 */
export class TcpProxy {
  private server!: Server;
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
  private mode: 'open' | 'refusing' | 'silent' = 'open';
  /** Connections accepted so far (a positive sign that the bot came back). */
  accepted = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<number> {
    this.server = createServer((client) => this.onConnection(client));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  private onConnection(client: Socket): void {
    if (this.mode === 'refusing') {
      client.resetAndDestroy();
      return;
    }
    this.accepted += 1;
    const upstream = connect(this.targetPort, this.targetHost);
    const pair = { client, upstream };
    this.pairs.add(pair);
    const end = () => {
      this.pairs.delete(pair);
      if (!client.destroyed) client.resetAndDestroy();
      if (!upstream.destroyed) upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
    if (this.mode === 'silent') this.hold(pair);
  }

  private hold(pair: { client: Socket; upstream: Socket }): void {
    pair.client.unpipe(pair.upstream);
    pair.upstream.unpipe(pair.client);
    pair.client.pause();
    pair.upstream.pause();
  }

  /** Every connection reset (RST) now; new ones are refused until heal(). */
  reset(): void {
    this.mode = 'refusing';
    for (const { client, upstream } of [...this.pairs]) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  /** Nothing goes through any more, in either direction, and nothing is closed. */
  silence(): void {
    this.mode = 'silent';
    for (const pair of this.pairs) this.hold(pair);
  }

  /** Back to normal: held bytes flow again, new connections are forwarded. */
  heal(): void {
    const wasSilent = this.mode === 'silent';
    this.mode = 'open';
    if (!wasSilent) return;
    for (const { client, upstream } of this.pairs) {
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
      upstream.resume();
    }
  }

  async stop(): Promise<void> {
    this.reset();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
