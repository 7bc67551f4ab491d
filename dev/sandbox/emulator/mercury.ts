/**
 * Websocket mode: what the Webex SDK (and so webex-node-bot-framework without a webhook URL) needs
 * besides the REST API — the U2C service catalog, WDM device registrations and a Mercury websocket
 * carrying `conversation.activity` frames, produced from the same world events as webhooks.
 *
 * This module keeps the sockets; devices.ts the registrations, activities.ts the frames' payloads,
 * catalog.ts the catalog. Wire (paths under the emulator's base URL, see routes/websocket.ts):
 * - `GET /u2c/api/v1/limited/catalog?format=hostmap` (no token) and `GET /u2c/api/v1/catalog`
 *   (token): `{serviceLinks, hostCatalog}`; every service lives on the emulator's host, cluster
 *   `urn:TEAM:us-east-2_a` (the SDK maps it to the `us` of the IDs).
 * - `POST|GET|DELETE /wdm/api/v1/devices`, `GET|PUT|DELETE /wdm/api/v1/devices/{id}`; at most
 *   `maxDevicesPerUser` live devices per person (403 "User has excessive device registrations").
 *   A device registered with `ttl` (the SDK's `ephemeral` devices) is gone once `ttl` seconds of
 *   the emulator's clock pass without a refresh (PUT).
 * - `POST /metrics/api/v1/clientmetrics` (and anything else under /metrics): 204.
 * - `ws://…/mercury/api/v1/apps/wx2/registrations/{deviceId}/messages`: the client sends
 *   `{id, type:'authorization', data:{token:'Bearer …'}}`; the server answers
 *   `mercury.buffer_state` first, then activity frames; pings `{id, type:'ping'}` are answered
 *   `{id, type:'pong'}`; the client acks frames `{messageId, type:'ack'}`. Every server frame has an
 *   `id` and a `sequenceNumber` counting from 1 on each connection. A second connection to the same
 *   device closes the first with 4000 `replaced`, unless both asked `multipleConnections=true`.
 *   Unknown, deleted or expired device: the upgrade is answered 404. Deleting a device does not
 *   close its socket (no more frames are sent on it).
 * - Who receives what: every live device of a person who may see the event (the webhook rules:
 *   a bot sees group messages only when mentioned, unless `setGroupMessages('all')`); card clicks
 *   go to the card's author. Activities carry IDs, not text (the SDK reads messages over REST).
 *   Events that happen while a device has no open socket are lost unless `replayOnNextConnect()`.
 *
 * Controls (`emulator.mercury`; HTTP under `/_emulator/mercury`, see routes/control.ts). Each takes
 * an optional `{personId, deviceId}` filter on open sockets:
 * - `drop()` — the connection dies without a close frame (the client sees 1006).
 * - `close(code, reason)` — e.g. `close(1000, 'Done')` (the SDK stops for good), `close(4000, 'replaced')`.
 * - `missPongs(times?)` — the next pings (default: all until `clearFaults()`) go unanswered.
 * - `sequenceGap()` — the next activity frame is not sent but its sequence number is used.
 * - `replayOnNextConnect()` — the next authorised connection of the device first receives every
 *   frame of the device's buffer (15 minutes: those delivered before and those missed).
 * - `refuseSockets(times?, status?)` — upgrades answered with an HTTP error (default 503).
 * - `refuseDeviceRegistrations(times?, status?)` — `POST /devices` answered with an error
 *   (default 403 "User has excessive device registrations").
 * Observability: `devices()` (deleted ones too, with `deletedAt`), `sockets()` (open and closed,
 * with close code and who closed), `frames` (every frame sent, with its ack), `waitForSocket(pred)`
 * and `waitForSocketClosed(pred)` (existing or future), events `mercury-socket` / `mercury-frame`
 * on `emulator.events`.
 */
import { performance } from 'node:perf_hooks';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { activityOf } from './activities';
import { DeviceRegistry, take, type BufferedFrame, type DeviceRecord, type DeviceView, type FrameBody } from './devices';
import { newTrackingId, randomUUID } from './ids';
import type { EmulatorState } from './state';
import type { DomainEvent } from './webhooks';

export type { DeviceView };

const SOCKET_PATH = /^\/mercury\/api\/v1\/apps\/wx2\/registrations\/([0-9a-f-]+)\/messages$/;

export interface SocketRecord {
  id: number;
  deviceId: string;
  personId: string;
  openedAt: string;
  authorizedAt?: string;
  closedAt?: string;
  closeCode?: number;
  closeReason?: string;
  /** Who ended the connection: the emulator (a control, a replacement) or the client. */
  closedBy?: 'server' | 'client';
}

export interface FrameRecord {
  seq: number;
  at: string;
  socketId: number;
  deviceId: string;
  /** The device's owner. */
  personId: string;
  /** The frame's `id` (what the client acks). */
  id: string;
  sequenceNumber: number;
  eventType: string;
  verb?: string;
  /** The activity's ID (the message, click or membership UUID). */
  activityId?: string;
  replayed: boolean;
  ackedAt?: string;
}

export interface SocketFilter {
  personId?: string;
  deviceId?: string;
}

interface Connection {
  record: SocketRecord;
  ws: WebSocket;
  device: DeviceRecord;
  /** Asked with `multipleConnections=true` (the SDK's ephemeral devices): not replaced by a later socket. */
  multipleConnections: boolean;
  authorized: boolean;
  nextSequence: number;
  gapPending: boolean;
  closing: boolean;
}

export class MercuryService {
  readonly frames: FrameRecord[] = [];
  /** WDM registrations (see devices.ts). */
  readonly wdm: DeviceRegistry;
  private readonly socketList: SocketRecord[] = [];
  private readonly connections = new Set<Connection>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private socketSeq = 0;
  private frameSeq = 0;
  private pongsToMiss: number | 'all' = 0;
  private socketRefusals: { remaining: number | undefined; status: number } | undefined;
  private groupMessages: 'mentioned' | 'all' = 'mentioned';
  bufferMs = 15 * 60 * 1000;

  constructor(private readonly state: EmulatorState) {
    this.wdm = new DeviceRegistry(state);
  }

  /** Most live devices per person before registrations are refused like Webex's (default 100). */
  get maxDevicesPerUser(): number {
    return this.wdm.maxDevicesPerUser;
  }

  set maxDevicesPerUser(value: number) {
    this.wdm.maxDevicesPerUser = value;
  }

  // ---- observability --------------------------------------------------------------------------

  /** Every device ever registered, deleted ones too (with `deletedAt`). */
  devices(filter: { personId?: string } = {}): DeviceView[] {
    return this.wdm.all(filter);
  }

  /** Every socket ever opened, in order (copies). */
  sockets(): SocketRecord[] {
    return this.socketList.map((s) => ({ ...s }));
  }

  openSockets(): SocketRecord[] {
    return this.sockets().filter((s) => !s.closedAt);
  }

  /** The first authorised socket, existing or future, that matches. */
  waitForSocket(predicate: (s: SocketRecord) => boolean = () => true, timeoutMs = 60_000): Promise<SocketRecord> {
    return this.waitFor((s) => Boolean(s.authorizedAt) && predicate(s), timeoutMs, 'an authorised socket');
  }

  /** The first closed socket, existing or future, that matches. */
  waitForSocketClosed(predicate: (s: SocketRecord) => boolean = () => true, timeoutMs = 60_000): Promise<SocketRecord> {
    return this.waitFor((s) => Boolean(s.closedAt) && predicate(s), timeoutMs, 'a closed socket');
  }

  private waitFor(test: (s: SocketRecord) => boolean, timeoutMs: number, what: string): Promise<SocketRecord> {
    return new Promise((resolve, reject) => {
      const existing = this.socketList.find(test);
      if (existing) return resolve({ ...existing });
      const onSocket = (s: SocketRecord): void => {
        if (!test(s)) return;
        cleanup();
        resolve({ ...s });
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`mercury: no ${what} matched within ${timeoutMs} ms; sockets: ${JSON.stringify(this.socketList)}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.state.events.off('mercury-socket', onSocket);
      };
      this.state.events.on('mercury-socket', onSocket);
    });
  }

  // ---- controls -------------------------------------------------------------------------------

  /** Kills matching connections without a close frame: the client sees 1006. Returns how many. */
  drop(filter: SocketFilter = {}): number {
    const matched = this.matching(filter);
    for (const conn of matched) {
      this.noteClosed(conn, 1006, '', 'server');
      conn.ws.terminate();
    }
    return matched.length;
  }

  /** Closes matching connections with this code and reason. Returns how many. */
  close(code: number, reason: string, filter: SocketFilter = {}): number {
    const matched = this.matching(filter);
    for (const conn of matched) this.closeConnection(conn, code, reason);
    return matched.length;
  }

  /** The next `times` pings (default: every one until clearFaults()) get no pong. */
  missPongs(times?: number): void {
    this.pongsToMiss = times ?? 'all';
  }

  /** The next activity frame on each matching connection is skipped, its sequence number used. */
  sequenceGap(filter: SocketFilter = {}): number {
    const matched = this.matching(filter);
    for (const conn of matched) conn.gapPending = true;
    return matched.length;
  }

  /** The next authorised connection of each matching device (all live ones by default) replays the device's buffer first. */
  replayOnNextConnect(filter: { personId?: string; deviceId?: string } = {}): number {
    let count = 0;
    for (const device of this.wdm.map.values()) {
      if (device.deletedAt) continue;
      if (filter.personId && device.personId !== filter.personId) continue;
      if (filter.deviceId && device.id !== filter.deviceId) continue;
      device.replayOnNextConnect = true;
      count += 1;
    }
    return count;
  }

  /** The next `times` socket upgrades (default: all until clearFaults()) are answered with `status`. */
  refuseSockets(times?: number, status = 503): void {
    this.socketRefusals = { remaining: times, status };
  }

  /** The next `times` device registrations (default: all until clearFaults()) are refused with `status`. */
  refuseDeviceRegistrations(times?: number, status = 403): void {
    this.wdm.refuse(times, status);
  }

  /** Bots receive group messages only when mentioned (as with webhooks), or every one ('all'). */
  setGroupMessages(mode: 'mentioned' | 'all'): void {
    this.groupMessages = mode;
  }

  clearFaults(): void {
    this.pongsToMiss = 0;
    this.socketRefusals = undefined;
    this.wdm.clearRefusals();
    for (const conn of this.connections) conn.gapPending = false;
    for (const device of this.wdm.map.values()) device.replayOnNextConnect = false;
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /** Serves Mercury sockets on the emulator's HTTP server. */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
  }

  /**
   * Ends every connection for good: a close with 1000 `Done`, after which the Webex SDK does not
   * reconnect (so a client outliving the emulator does not retry against a closed port).
   * Resolves once the clients have answered the close (or after `graceMs`).
   */
  async shutdown(graceMs = 2_000): Promise<void> {
    const closing = [...this.connections].map(
      (conn) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            conn.ws.terminate();
            resolve();
          }, graceMs);
          conn.ws.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          this.closeConnection(conn, 1000, 'Done');
        }),
    );
    await Promise.all(closing);
    this.wss.close();
  }

  reset(): void {
    this.shutdownConnectionsOnly();
    this.wdm.reset();
    this.socketList.length = 0;
    this.frames.length = 0;
    this.clearFaults();
    this.groupMessages = 'mentioned';
  }

  private shutdownConnectionsOnly(): void {
    for (const conn of [...this.connections]) {
      this.noteClosed(conn, 1006, '', 'server');
      conn.ws.terminate();
    }
  }

  // ---- events ---------------------------------------------------------------------------------

  /** A world event (the same that makes webhooks): an activity frame for every device that may see it. */
  onDomainEvent(event: DomainEvent): void {
    if (this.wdm.map.size === 0) return;
    this.wdm.expire();
    const activity = activityOf(this.state, event);
    if (!activity) return;
    for (const device of this.wdm.map.values()) {
      if (device.deletedAt || !this.receives(device.personId, event)) continue;
      const body: FrameBody = { id: randomUUID(), data: { eventType: 'conversation.activity', activity } };
      const buffered: BufferedFrame = { at: this.state.now(), body, delivered: false };
      this.trim(device);
      device.buffer.push(buffered);
      for (const conn of this.connections) {
        if (conn.device !== device || !conn.authorized || conn.closing) continue;
        if (conn.gapPending) {
          conn.gapPending = false;
          conn.nextSequence += 1;
          continue;
        }
        this.send(conn, body, false);
        buffered.delivered = true;
      }
    }
  }

  private receives(personId: string, event: DomainEvent): boolean {
    if (event.visibleTo(personId)) return true;
    if (event.resource !== 'messages' || this.groupMessages !== 'all') return false;
    const roomId = String(event.data.roomId ?? '');
    return this.state.people.get(personId)?.isBot === true && this.state.isMember(roomId, personId);
  }

  // ---- sockets --------------------------------------------------------------------------------

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const [path = '', query = ''] = (req.url ?? '').split('?', 2);
    const multipleConnections = new URLSearchParams(query).get('multipleConnections') === 'true';
    const match = SOCKET_PATH.exec(path);
    this.wdm.expire();
    const device = match ? this.wdm.map.get(match[1]!) : undefined;
    const refuse = (status: number, text: string): void => {
      this.logUpgrade(path, status);
      socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    };
    if (!device || device.deletedAt) return refuse(404, 'Not Found');
    if (take(this.socketRefusals)) return refuse(this.socketRefusals!.status, 'Refused');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.logUpgrade(path, 101);
      this.onConnection(ws, device, multipleConnections);
    });
  }

  private logUpgrade(path: string, status: number): void {
    const record = {
      seq: this.state.nextCallSeq(),
      at: this.state.iso(),
      method: 'GET',
      path,
      status,
      durationMs: 0,
      startedMs: performance.now(),
      endedMs: performance.now(),
      caller: { personId: null, kind: 'anonymous' as const },
      trackingId: newTrackingId(),
    };
    this.state.calls.push(record);
    this.state.events.emit('call', record);
  }

  private onConnection(ws: WebSocket, device: DeviceRecord, multipleConnections: boolean): void {
    const record: SocketRecord = { id: ++this.socketSeq, deviceId: device.id, personId: device.personId, openedAt: this.state.iso() };
    this.socketList.push(record);
    const conn: Connection = { record, ws, device, multipleConnections, authorized: false, nextSequence: 1, gapPending: false, closing: false };
    this.connections.add(conn);
    this.emitSocket(record);
    ws.on('message', (raw) => this.onFrame(conn, raw.toString()));
    ws.on('close', (code, reason) => this.noteClosed(conn, code, reason.toString(), 'client'));
    ws.on('error', () => undefined);
  }

  private onFrame(conn: Connection, raw: string): void {
    let frame: { id?: unknown; type?: unknown; messageId?: unknown; data?: { token?: unknown } };
    try {
      frame = JSON.parse(raw);
    } catch {
      return;
    }
    if (frame.type === 'authorization') return this.authorize(conn, frame.data?.token);
    if (!conn.authorized) return;
    if (frame.type === 'ping' && typeof frame.id === 'string') {
      if (this.pongsToMiss === 'all') return;
      if (this.pongsToMiss > 0) {
        this.pongsToMiss -= 1;
        return;
      }
      this.send(conn, { id: frame.id, type: 'pong' } as unknown as FrameBody, false);
      return;
    }
    if (frame.type === 'ack' && typeof frame.messageId === 'string') {
      for (let i = this.frames.length - 1; i >= 0; i--) {
        const f = this.frames[i]!;
        if (f.socketId !== conn.record.id || f.id !== frame.messageId || f.ackedAt) continue;
        f.ackedAt = this.state.iso();
        break;
      }
    }
  }

  private authorize(conn: Connection, token: unknown): void {
    const bearer = typeof token === 'string' ? /^Bearer\s+(\S+)$/i.exec(token)?.[1] : undefined;
    const record = bearer ? this.state.accessTokens.get(bearer) : undefined;
    const valid = record && record.personId === conn.device.personId && (record.expiresAt === null || record.expiresAt > this.state.now());
    if (!valid || conn.device.deletedAt) {
      this.closeConnection(conn, 1008, 'Authentication failed');
      return;
    }
    if (!conn.multipleConnections) {
      for (const other of this.connections) {
        if (other !== conn && other.device === conn.device && other.authorized && !other.closing && !other.multipleConnections) this.closeConnection(other, 4000, 'replaced');
      }
    }
    conn.authorized = true;
    conn.record.authorizedAt = this.state.iso();
    this.send(conn, { id: randomUUID(), data: { eventType: 'mercury.buffer_state', bufferState: { conversation: 'UNKNOWN', locus: 'UNKNOWN' } } }, false);
    if (conn.device.replayOnNextConnect) {
      conn.device.replayOnNextConnect = false;
      this.trim(conn.device);
      for (const buffered of conn.device.buffer) {
        this.send(conn, buffered.body, true);
        buffered.delivered = true;
      }
    }
    this.emitSocket(conn.record);
  }

  private send(conn: Connection, body: FrameBody, replayed: boolean): void {
    const sequenceNumber = conn.nextSequence++;
    const frame = { ...body, sequenceNumber, timestamp: this.state.now(), trackingId: newTrackingId() };
    conn.ws.send(JSON.stringify(frame));
    const activity = body.data?.activity as { id?: string; verb?: string } | undefined;
    const record: FrameRecord = {
      seq: ++this.frameSeq,
      at: this.state.iso(),
      socketId: conn.record.id,
      deviceId: conn.device.id,
      personId: conn.device.personId,
      id: body.id,
      sequenceNumber,
      eventType: body.data?.eventType ?? String((body as unknown as { type?: string }).type ?? ''),
      ...(activity?.verb ? { verb: activity.verb } : {}),
      ...(activity?.id ? { activityId: activity.id } : {}),
      replayed,
    };
    this.frames.push(record);
    this.state.events.emit('mercury-frame', record);
  }

  private closeConnection(conn: Connection, code: number, reason: string): void {
    conn.closing = true;
    this.noteClosed(conn, code, reason, 'server');
    conn.ws.close(code, reason);
  }

  private noteClosed(conn: Connection, code: number, reason: string, by: 'server' | 'client'): void {
    conn.closing = true;
    this.connections.delete(conn);
    if (conn.record.closedAt) return;
    conn.record.closedAt = this.state.iso();
    conn.record.closeCode = code;
    conn.record.closeReason = reason;
    conn.record.closedBy = by;
    this.emitSocket(conn.record);
  }

  private emitSocket(record: SocketRecord): void {
    this.state.events.emit('mercury-socket', { ...record });
  }

  private matching(filter: SocketFilter): Connection[] {
    return [...this.connections].filter(
      (c) => !c.closing && (!filter.personId || c.device.personId === filter.personId) && (!filter.deviceId || c.device.id === filter.deviceId),
    );
  }

  private trim(device: DeviceRecord): void {
    const oldest = this.state.now() - this.bufferMs;
    while (device.buffer.length && device.buffer[0]!.at < oldest) device.buffer.shift();
  }
}

