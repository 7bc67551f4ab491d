/** The Emulator handle: server lifecycle plus the programmatic control API used by tests and the sandbox. */
import type { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Router } from 'express';
import type { AttachmentAction, Membership, Person, Room, Webhook } from '../../../src/webex/types';
import { buildApp } from './app';
import { escapeHtml } from './consent-page';
import { createContext, type EmulatorContext } from './context';
import type { FaultInjector } from './faults';
import type { MercuryService } from './mercury';
import { personView } from './routes/people';
import { createBot, createPerson } from './people';
import { createNewRecording } from './recording-events';
import { waitForMessage } from './waiting';
import type {
  AddPersonInput,
  BotHandle,
  BotMessageFilter,
  CallRecord,
  ClickInput,
  CreateBotInput,
  DeliveryRecord,
  EmulatorMessage,
  EmulatorOptions,
  IntegrationInput,
  IssueTokenOptions,
  NewRecordingInput,
  RecordingFixture,
  SayInput,
  TokenPair,
  TokenStats,
} from './types';

export class Emulator {
  /** Base URL, e.g. http://127.0.0.1:PORT (set once listening). */
  url = '';
  /** Emits 'call' (CallRecord), 'message' (EmulatorMessage), 'webhook-delivery' (DeliveryRecord), 'attachment-action'. */
  readonly events: EventEmitter;
  /** Every REST call, in arrival order (emptied in place by reset()). */
  readonly calls: CallRecord[];
  /** Every webhook delivery attempt. */
  readonly deliveries: DeliveryRecord[];
  readonly faults: Pick<FaultInjector, 'add' | 'remove' | 'clear' | 'list' | 'held' | 'release'>;
  /** Websocket mode: devices, Mercury sockets, their faults and records (see mercury.ts). */
  readonly mercury: MercuryService;
  private readonly ctx: EmulatorContext;
  private server: Server | undefined;

  constructor(options: EmulatorOptions = {}) {
    this.ctx = createContext(options);
    this.events = this.ctx.state.events;
    this.calls = this.ctx.state.calls;
    this.deliveries = this.ctx.state.deliveries;
    this.faults = this.ctx.faults;
    this.mercury = this.ctx.mercury;
  }

  /** What the bot gets as WEBEX_API_URL. */
  get apiUrl(): string {
    return `${this.url}/v1`;
  }

  /** Starts serving Webex's routes, with `control` (the /_emulator API, see routes/control.ts) beside them. */
  async listen(control: Router): Promise<void> {
    const { state } = this.ctx;
    const server = createServer(buildApp(this.ctx, control));
    // As a load balancer in front of an API does: idle connections last longer than the bot's
    // pool keeps them (30 s), so the client closes first. Node's default (5 s) let a busy machine
    // reuse a connection the server was closing, and a POST on it was lost at random.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    this.server = server;
    this.ctx.mercury.attach(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(state.config.port, state.config.host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.url = `http://${host}:${address.port}`;
    state.baseUrl = state.config.publicUrl ?? this.url;
  }

  async close(): Promise<void> {
    this.ctx.dispatcher.close();
    await this.ctx.mercury.shutdown();
    this.events.emit('closing');
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  // ---- people, bots, integrations -------------------------------------------------------------

  addPerson(input: AddPersonInput): Person {
    return createPerson(this.ctx.state, input);
  }

  createBot(input: CreateBotInput): BotHandle {
    return createBot(this.ctx.state, input);
  }

  registerIntegration(input: IntegrationInput): void {
    this.ctx.oauth.register(input);
  }

  people(): Array<Person & { role: string }> {
    return [...this.ctx.state.people.values()].map((p) => ({ ...personView(p), role: p.role }));
  }

  // ---- rooms ----------------------------------------------------------------------------------

  createDirectRoom(personId: string, botPersonId: string): Room {
    const { state, rooms } = this.ctx;
    const a = state.requirePerson(personId).person.id;
    const b = state.requirePerson(botPersonId).person.id;
    return rooms.roomView(rooms.ensureDirectRoom(a, b, a), b);
  }

  createGroupRoom(title: string, memberPersonIds: string[]): Room {
    const { state, rooms } = this.ctx;
    const ids = memberPersonIds.map((id) => state.requirePerson(id).person.id);
    return rooms.roomView(rooms.createGroupRoom(title, ids));
  }

  /** Adds a person (or bot) to a group space, firing membership webhooks. */
  addMember(roomId: string, personId: string, actorId?: string): Membership {
    const { state, rooms } = this.ctx;
    const id = state.requirePerson(personId).person.id;
    const room = state.requireRoom(roomId);
    return rooms.membershipView(rooms.addMember(roomId, id, actorId ?? room.creatorId));
  }

  directRoomOf(personId: string, botId: string): Room | undefined {
    const { state, rooms } = this.ctx;
    const room = state.findDirectRoom(state.requirePerson(personId).person.id, state.requirePerson(botId).person.id);
    return room ? rooms.roomView(room, botId) : undefined;
  }

  rooms(): Array<Room & { members: Array<{ personId: string; displayName?: string; email?: string; isBot: boolean }> }> {
    const { state, rooms } = this.ctx;
    return [...state.rooms.values()].map((room) => {
      const members = state.membersOf(room.id).map((id) => {
        const p = state.people.get(id);
        return { personId: id, displayName: p?.person.displayName, email: p?.person.emails[0], isBot: Boolean(p?.isBot) };
      });
      const viewer = members.find((m) => m.isBot)?.personId;
      return { ...rooms.roomView(room, viewer), members };
    });
  }

  // ---- tokens ---------------------------------------------------------------------------------

  issueToken(personId: string, options: IssueTokenOptions): TokenPair {
    const { accessToken, refreshToken } = this.ctx.oauth.issue(personId, options);
    return { accessToken, refreshToken };
  }

  expireAccessTokens(personId: string): void {
    this.ctx.oauth.expireAccessTokens(this.ctx.state.requirePerson(personId).person.id);
  }

  revokeRefreshTokens(personId: string): void {
    this.ctx.oauth.revokeRefreshTokens(this.ctx.state.requirePerson(personId).person.id);
  }

  /**
   * The person removes the integration's access: tokens stop working and the webhooks created
   * with them are gone (Webex ties a webhook to the authorization that created it).
   */
  revokeIntegration(personId: string): void {
    const id = this.ctx.state.requirePerson(personId).person.id;
    this.ctx.oauth.revokeRefreshTokens(id);
    this.ctx.oauth.expireAccessTokens(id);
    for (const [hookId, record] of this.ctx.state.webhooks) if (record.ownerId === id) this.ctx.state.webhooks.delete(hookId);
  }

  tokenStats(personId: string): TokenStats {
    return this.ctx.oauth.tokenStats(this.ctx.state.requirePerson(personId).person.id);
  }

  /** Every access and refresh token ever issued to this person (to check that none leaks into logs or storage). */
  issuedTokens(personId: string): string[] {
    const { state } = this.ctx;
    const id = state.requirePerson(personId).person.id;
    const access = [...state.accessTokens.values()].filter((t) => t.personId === id && t.kind === 'person').map((t) => t.token);
    const refresh = [...state.refreshTokens.values()].filter((t) => t.personId === id).map((t) => t.token);
    return [...access, ...refresh];
  }

  /** Does what the consent page does, without a browser; returns the redirect URL (code or error, and state). */
  authorizeAs(authorizeUrl: string, personId: string, decision: 'accept' | 'decline' = 'accept'): string {
    const outcome = this.ctx.oauth.authorize(new URL(authorizeUrl).searchParams);
    if (outcome.kind === 'page-error') throw new Error(`Emulator: authorize refused: ${outcome.message}`);
    if (outcome.kind === 'redirect') return outcome.url;
    return this.ctx.oauth.decide(outcome.request.id, personId, decision);
  }

  // ---- recordings -----------------------------------------------------------------------------

  addRecording(fixture: RecordingFixture): void {
    this.ctx.recordings.add(fixture);
  }

  /** A recording appears for its owner now, and their `convergedRecordings` webhooks fire. */
  newRecording(input: NewRecordingInput): RecordingFixture {
    return createNewRecording(this.ctx, input);
  }

  /** Webhooks owned by a person (or bot), as that token would list them. */
  webhooksOf(personId: string): Webhook[] {
    const id = this.ctx.state.requirePerson(personId).person.id;
    return [...this.ctx.state.webhooks.values()].filter((w) => w.ownerId === id).map((w) => ({ ...w.webhook }));
  }

  removeRecording(id: string): boolean {
    return this.ctx.recordings.remove(id);
  }

  recordingFixtures(): RecordingFixture[] {
    return [...this.ctx.recordings.recordings.values()].map((r) => ({ ...r.fixture, links: [...r.links] }));
  }

  // ---- messages and clicks --------------------------------------------------------------------

  say(input: SayInput): EmulatorMessage {
    const { state, messaging } = this.ctx;
    const author = state.requirePerson(input.as).person;
    const room = state.requireRoom(input.roomId);
    if (!state.isMember(room.id, author.id)) throw new Error(`Emulator: ${author.displayName} is not a member of room ${room.id}`);
    if (!input.mentionBot || room.type === 'direct') {
      return messaging.postMessage(author.id, { roomId: room.id, text: input.text, parentId: input.parentId });
    }
    const bot = state.membersOf(room.id).map((id) => state.people.get(id)).find((p) => p?.isBot)?.person;
    if (!bot) throw new Error(`Emulator: no bot is a member of room ${room.id} to mention`);
    const name = bot.displayName ?? '';
    return messaging.postMessage(author.id, {
      roomId: room.id,
      text: `${name} ${input.text}`,
      html: `<p><spark-mention data-object-type="person" data-object-id="${escapeHtml(bot.id)}">${escapeHtml(name)}</spark-mention> ${escapeHtml(input.text)}</p>`,
      parentId: input.parentId,
      mentionedPeople: [bot.id],
    });
  }

  click(input: ClickInput): AttachmentAction {
    const person = this.ctx.state.requirePerson(input.as).person;
    return this.ctx.messaging.createAttachmentAction(person.id, { type: 'submit', messageId: input.messageId, inputs: input.inputs });
  }

  /** All messages of a room, oldest first. */
  messages(roomId: string): EmulatorMessage[] {
    return this.ctx.state.messagesOfRoom(roomId).map((s) => s.message);
  }

  botMessages(filter: BotMessageFilter = {}): EmulatorMessage[] {
    const { state } = this.ctx;
    return [...state.messages.values()]
      .map((s) => s.message)
      .filter((m) => state.people.get(m.personId)?.isBot)
      .filter((m) => !filter.roomId || m.roomId === filter.roomId)
      .filter((m) => !filter.botId || m.personId === filter.botId);
  }

  /** The first message, existing or future, that matches; rejects after timeoutMs (a minute unless told: a busy machine is slow) listing the latest messages. */
  waitForMessage(predicate: (m: EmulatorMessage) => boolean, timeoutMs = 60_000): Promise<EmulatorMessage> {
    return waitForMessage(this.ctx.state, predicate, timeoutMs);
  }

  // ---- delivery and state ---------------------------------------------------------------------

  setDuplicateDeliveryRate(rate: number): void {
    this.ctx.dispatcher.setDuplicateDeliveryRate(rate);
  }

  /** Resolves once every queued webhook delivery has been attempted. */
  idle(): Promise<void> {
    return this.ctx.dispatcher.idle();
  }

  reset(): void {
    this.ctx.state.reset();
    this.ctx.recordings.clear();
    this.ctx.oauth.clear();
    this.ctx.faults.clear();
    this.ctx.mercury.reset();
    this.ctx.dispatcher.setDuplicateDeliveryRate(0);
  }
}
