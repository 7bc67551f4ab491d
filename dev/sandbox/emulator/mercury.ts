/**
 * Websocket mode: what the Webex SDK (and so webex-node-bot-framework without a webhook URL) needs
 * besides the REST API — the U2C service catalog, WDM device registrations and a Mercury websocket
 * carrying `conversation.activity` frames, produced from the same world events as webhooks.
 *
 * Wire (paths under the emulator's base URL, see routes/websocket.ts):
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
import { ApiError } from './errors';
import { decodeWebexId, newTrackingId, randomUUID } from './ids';
import type { EmulatorState } from './state';
import type { DomainEvent } from './webhooks';

export const CLUSTER = 'urn:TEAM:us-east-2_a';
const SOCKET_PATH = /^\/mercury\/api\/v1\/apps\/wx2\/registrations\/([0-9a-f-]+)\/messages$/;
export const EXCESSIVE_DEVICES = 'User has excessive device registrations';

export interface DeviceRecord {
  id: string;
  url: string;
  webSocketUrl: string;
  personId: string;
  name: string;
  deviceType: string;
  model: string;
  created: string;
  modificationTime: string;
  deletedAt?: string;
  /** Seconds a registration lives without a refresh (the SDK's ephemeral devices send it). */
  ttl?: number;
  /** Set when the device went away because its `ttl` ran out without a refresh. */
  expired?: boolean;
  /** Epoch ms of the registration or last refresh. */
  refreshedAt: number;
  /** Frames produced for this device (kept `bufferMs`), delivered or not. */
  buffer: BufferedFrame[];
  replayOnNextConnect: boolean;
}

export type DeviceView = Omit<DeviceRecord, 'buffer' | 'replayOnNextConnect' | 'refreshedAt'>;

interface BufferedFrame {
  at: number;
  body: FrameBody;
  delivered: boolean;
}

interface FrameBody {
  id: string;
  data: { eventType: string; activity?: Record<string, unknown> } & Record<string, unknown>;
}

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
  private readonly deviceMap = new Map<string, DeviceRecord>();
  private readonly socketList: SocketRecord[] = [];
  private readonly connections = new Set<Connection>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private socketSeq = 0;
  private frameSeq = 0;
  private pongsToMiss: number | 'all' = 0;
  private socketRefusals: { remaining: number | undefined; status: number } | undefined;
  private deviceRefusals: { remaining: number | undefined; status: number } | undefined;
  private groupMessages: 'mentioned' | 'all' = 'mentioned';
  maxDevicesPerUser = 100;
  bufferMs = 15 * 60 * 1000;

  constructor(private readonly state: EmulatorState) {}

  // ---- catalog --------------------------------------------------------------------------------

  serviceLinks(): Record<string, string> {
    const base = this.state.baseUrl;
    return {
      hydra: `${base}/v1`,
      u2c: `${base}/u2c/api/v1`,
      wdm: `${base}/wdm/api/v1`,
      conversation: `${base}/conversation/api/v1`,
      metrics: `${base}/metrics/api/v1`,
    };
  }

  /** The catalog in hostmap form; the limited (pre-sign-in) one has no device or conversation service. */
  catalog(kind: 'limited' | 'full'): { serviceLinks: Record<string, string>; hostCatalog: Record<string, unknown[]>; format: 'hostmap' } {
    const links = this.serviceLinks();
    const names = kind === 'limited' ? ['hydra', 'u2c', 'metrics'] : Object.keys(links);
    const serviceLinks = Object.fromEntries(names.map((n) => [n, links[n]!]));
    const host = new URL(this.state.baseUrl).hostname;
    // The SDK names a host's service after its first entry and finds a URL's cluster by host name.
    const first = names.includes('conversation') ? 'conversation' : names[0]!;
    const hostCatalog = { [host]: [first, ...names.filter((n) => n !== first)].map((n) => ({ host, ttl: -1, priority: 5, id: `${CLUSTER}:${n}` })) };
    return { serviceLinks, hostCatalog, format: 'hostmap' };
  }

  // ---- devices --------------------------------------------------------------------------------

  registerDevice(personId: string, body: Record<string, unknown>): DeviceView {
    this.expireDevices();
    const live = [...this.deviceMap.values()].filter((d) => d.personId === personId && !d.deletedAt);
    if (live.length >= this.maxDevicesPerUser) throw new ApiError(403, EXCESSIVE_DEVICES);
    if (take(this.deviceRefusals)) {
      const status = this.deviceRefusals!.status;
      throw new ApiError(status, status === 403 ? EXCESSIVE_DEVICES : 'Device registration failed.');
    }
    const id = randomUUID();
    const base = this.state.baseUrl;
    const now = this.state.iso();
    const device: DeviceRecord = {
      id,
      url: `${base}/wdm/api/v1/devices/${id}`,
      webSocketUrl: `${base.replace(/^http/, 'ws')}/mercury/api/v1/apps/wx2/registrations/${id}/messages`,
      personId,
      name: stringOr(body.name, 'unnamed'),
      deviceType: stringOr(body.deviceType, 'UNKNOWN'),
      model: stringOr(body.model, 'unknown'),
      created: now,
      modificationTime: now,
      ...(typeof body.ttl === 'number' && body.ttl > 0 ? { ttl: body.ttl } : {}),
      refreshedAt: this.state.now(),
      buffer: [],
      replayOnNextConnect: false,
    };
    this.deviceMap.set(id, device);
    return deviceView(device);
  }

  /** A live device of this person, or a 404 like WDM's. */
  requireDevice(personId: string, id: string): DeviceRecord {
    this.expireDevices();
    const device = this.deviceMap.get(id);
    if (!device || device.deletedAt || device.personId !== personId) throw new ApiError(404, 'Device not found.');
    return device;
  }

  refreshDevice(personId: string, id: string, body: Record<string, unknown>): DeviceView {
    const device = this.requireDevice(personId, id);
    if (typeof body.name === 'string') device.name = body.name;
    if (typeof body.ttl === 'number' && body.ttl > 0) device.ttl = body.ttl;
    device.modificationTime = this.state.iso();
    device.refreshedAt = this.state.now();
    return deviceView(device);
  }

  deleteDevice(personId: string, id: string): void {
    this.requireDevice(personId, id).deletedAt = this.state.iso();
  }

  deleteAllDevices(personId: string): number {
    this.expireDevices();
    let count = 0;
    for (const device of this.deviceMap.values()) {
      if (device.personId !== personId || device.deletedAt) continue;
      device.deletedAt = this.state.iso();
      count += 1;
    }
    return count;
  }

  listDevices(personId: string): DeviceView[] {
    this.expireDevices();
    return [...this.deviceMap.values()].filter((d) => d.personId === personId && !d.deletedAt).map(deviceView);
  }

  /** Devices registered with a `ttl` and not refreshed within it are gone (checked on each use, against the emulator's clock). */
  private expireDevices(): void {
    const now = this.state.now();
    for (const device of this.deviceMap.values()) {
      if (device.deletedAt || device.ttl === undefined || now - device.refreshedAt < device.ttl * 1000) continue;
      device.deletedAt = this.state.iso(device.refreshedAt + device.ttl * 1000);
      device.expired = true;
    }
  }

  // ---- observability --------------------------------------------------------------------------

  /** Every device ever registered, deleted ones too (with `deletedAt`). */
  devices(filter: { personId?: string } = {}): DeviceView[] {
    this.expireDevices();
    return [...this.deviceMap.values()].filter((d) => !filter.personId || d.personId === filter.personId).map(deviceView);
  }

  /** Every socket ever opened, in order (copies). */
  sockets(): SocketRecord[] {
    return this.socketList.map((s) => ({ ...s }));
  }

  openSockets(): SocketRecord[] {
    return this.sockets().filter((s) => !s.closedAt);
  }

  /** The first authorised socket, existing or future, that matches. */
  waitForSocket(predicate: (s: SocketRecord) => boolean = () => true, timeoutMs = 10_000): Promise<SocketRecord> {
    return this.waitFor((s) => Boolean(s.authorizedAt) && predicate(s), timeoutMs, 'an authorised socket');
  }

  /** The first closed socket, existing or future, that matches. */
  waitForSocketClosed(predicate: (s: SocketRecord) => boolean = () => true, timeoutMs = 10_000): Promise<SocketRecord> {
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
    for (const device of this.deviceMap.values()) {
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
    this.deviceRefusals = { remaining: times, status };
  }

  /** Bots receive group messages only when mentioned (as with webhooks), or every one ('all'). */
  setGroupMessages(mode: 'mentioned' | 'all'): void {
    this.groupMessages = mode;
  }

  clearFaults(): void {
    this.pongsToMiss = 0;
    this.socketRefusals = undefined;
    this.deviceRefusals = undefined;
    for (const conn of this.connections) conn.gapPending = false;
    for (const device of this.deviceMap.values()) device.replayOnNextConnect = false;
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
    this.deviceMap.clear();
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
    if (this.deviceMap.size === 0) return;
    this.expireDevices();
    const activity = this.activityOf(event);
    if (!activity) return;
    for (const device of this.deviceMap.values()) {
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

  private activityOf(event: DomainEvent): Record<string, unknown> | undefined {
    const data = event.data as Record<string, unknown>;
    const roomId = String(data.roomId ?? '');
    const room = this.state.rooms.get(roomId);
    if (!room) return undefined;
    const conversationUrl = `${this.serviceLinks().conversation}/conversations/${room.uuid}`;
    const actor = this.state.findPerson(event.actorId);
    const common = {
      objectType: 'activity',
      published: this.state.iso(),
      actor: actor
        ? { id: actor.uuid, objectType: 'person', entryUUID: actor.uuid, emailAddress: actor.person.emails[0], displayName: actor.person.displayName }
        : { objectType: 'person', entryUUID: uuidOf(event.actorId) },
      target: { id: room.uuid, objectType: 'conversation', url: conversationUrl, tags: room.type === 'direct' ? ['ONE_ON_ONE'] : [] },
    };
    const activityUrl = (id: string): string => `${this.serviceLinks().conversation}/activities/${id}`;
    if (event.resource === 'messages' && (event.event === 'created' || event.event === 'deleted')) {
      const messageUuid = uuidOf(String(data.id));
      if (event.event === 'deleted') {
        const id = randomUUID();
        return { ...common, id, url: activityUrl(id), verb: 'delete', object: { id: messageUuid, objectType: 'activity' } };
      }
      const mentioned = Array.isArray(data.mentionedPeople) ? (data.mentionedPeople as string[]) : [];
      const parentId = typeof data.parentId === 'string' ? data.parentId : undefined;
      return {
        ...common,
        id: messageUuid,
        url: activityUrl(messageUuid),
        verb: 'post',
        object: {
          id: messageUuid,
          objectType: 'comment',
          ...(mentioned.length ? { mentions: { items: mentioned.map((p) => ({ id: uuidOf(p), objectType: 'person' })) } } : {}),
        },
        ...(parentId ? { parent: { id: uuidOf(parentId), type: 'reply' } } : {}),
      };
    }
    if (event.resource === 'attachmentActions' && event.event === 'created') {
      const actionUuid = uuidOf(String(data.id));
      return {
        ...common,
        id: actionUuid,
        url: activityUrl(actionUuid),
        verb: 'cardAction',
        object: { objectType: 'submit', inputs: data.inputs ?? {} },
        parent: { id: uuidOf(String(data.messageId)), type: 'cardAction' },
      };
    }
    if (event.resource === 'memberships' && event.event === 'created') {
      const member = this.state.findPerson(String(data.personId));
      if (!member) return undefined;
      const id = randomUUID();
      return {
        ...common,
        id,
        url: activityUrl(id),
        verb: 'add',
        object: {
          id: member.uuid,
          objectType: 'person',
          entryUUID: member.uuid,
          emailAddress: member.person.emails[0],
          displayName: member.person.displayName,
          orgId: this.state.orgUuid,
          roomProperties: { isModerator: Boolean(data.isModerator) },
        },
      };
    }
    return undefined;
  }

  // ---- sockets --------------------------------------------------------------------------------

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const [path = '', query = ''] = (req.url ?? '').split('?', 2);
    const multipleConnections = new URLSearchParams(query).get('multipleConnections') === 'true';
    const match = SOCKET_PATH.exec(path);
    this.expireDevices();
    const device = match ? this.deviceMap.get(match[1]!) : undefined;
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

function deviceView(device: DeviceRecord): DeviceView {
  const { buffer: _buffer, replayOnNextConnect: _replay, refreshedAt: _refreshedAt, ...view } = device;
  return {
    ...view,
    features: { developer: [], entitlement: [], user: [] },
  } as DeviceView;
}

/** Consumes one use of a counted refusal; true when it applies. */
function take(refusal: { remaining: number | undefined } | undefined): boolean {
  if (!refusal) return false;
  if (refusal.remaining === undefined) return true;
  if (refusal.remaining <= 0) return false;
  refusal.remaining -= 1;
  return true;
}

function uuidOf(webexIdOrUuid: string): string {
  return decodeWebexId(webexIdOrUuid)?.suffix ?? webexIdOrUuid;
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value ? value : fallback;
}
