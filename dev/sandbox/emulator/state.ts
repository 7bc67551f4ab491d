/**
 * The emulator's in-memory world: people, tokens, rooms, memberships, messages, webhooks and
 * the logs tests read. Pure data with small lookups; behaviour lives in the services.
 */
import { EventEmitter } from 'node:events';
import type { AttachmentAction, Person, RoomType, Webhook } from '../../../src/webex/types';
import { decodeWebexId, randomUUID, webexId } from './ids';
import type { CallRecord, DeliveryRecord, EmulatorMessage, EmulatorOptions, PersonRole } from './types';

export interface ResolvedConfig {
  keepCallBodies: boolean;
  port: number;
  host: string;
  publicUrl?: string;
  accessTokenLifetimeSeconds: number;
  refreshTokenLifetimeSeconds: number;
  codeLifetimeSeconds: number;
  linkLifetimeSeconds: number;
  deliveryTimeoutMs: number;
  /** Most items one page of a list holds, whatever `max` asked for (Webex may return fewer). */
  maxPageItems: number;
  now: () => number;
  latencyMs: number;
}

export function resolveConfig(options: EmulatorOptions = {}): ResolvedConfig {
  return {
    keepCallBodies: options.keepCallBodies ?? false,
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    publicUrl: options.publicUrl?.replace(/\/+$/, ''),
    accessTokenLifetimeSeconds: options.accessTokenLifetimeSeconds ?? 14 * 24 * 3600,
    refreshTokenLifetimeSeconds: options.refreshTokenLifetimeSeconds ?? 90 * 24 * 3600,
    codeLifetimeSeconds: options.codeLifetimeSeconds ?? 300,
    linkLifetimeSeconds: options.linkLifetimeSeconds ?? 3 * 3600,
    deliveryTimeoutMs: options.deliveryTimeoutMs ?? 10_000,
    maxPageItems: options.maxPageItems ?? 100,
    now: options.now ?? Date.now,
    latencyMs: options.latencyMs ?? 0,
  };
}

export interface PersonRecord {
  person: Person;
  role: PersonRole;
  uuid: string;
  isBot: boolean;
}

export interface AccessTokenRecord {
  token: string;
  personId: string;
  kind: 'bot' | 'person';
  scopes: string[];
  /** Epoch ms; null = never expires (bots). */
  expiresAt: number | null;
}

export interface RefreshTokenRecord {
  token: string;
  personId: string;
  scopes: string[];
  expiresAt: number;
  /** Integration allowed to use it; undefined = any registered one. */
  clientId?: string;
  revoked: boolean;
}

export interface RoomRecord {
  id: string;
  uuid: string;
  type: RoomType;
  /** Group spaces only; a direct space is titled after the other member. */
  title?: string;
  creatorId: string;
  created: number;
  lastActivity: number;
}

export interface MembershipRecord {
  id: string;
  roomId: string;
  personId: string;
  created: number;
  isModerator: boolean;
}

export interface StoredFile {
  contentId: string;
  url: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
  roomId: string;
}

export interface StoredMessage {
  seq: number;
  message: EmulatorMessage;
  files: StoredFile[];
}

export interface WebhookRecord {
  webhook: Webhook & { status: 'active' | 'inactive' };
  ownerId: string;
  /** Epoch ms of recent failed deliveries (Webex disables a webhook after 100 in 5 minutes). */
  failures: number[];
}

export class EmulatorState {
  readonly orgUuid = randomUUID();
  readonly orgId = webexId('ORGANIZATION', this.orgUuid);
  readonly appId = webexId('APPLICATION', randomUUID());
  readonly events = new EventEmitter();

  readonly people = new Map<string, PersonRecord>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly rooms = new Map<string, RoomRecord>();
  readonly memberships = new Map<string, MembershipRecord>();
  /** In creation order. */
  readonly messages = new Map<string, StoredMessage>();
  readonly contents = new Map<string, StoredFile>();
  readonly actions = new Map<string, AttachmentAction>();
  readonly webhooks = new Map<string, WebhookRecord>();
  readonly calls: CallRecord[] = [];
  readonly deliveries: DeliveryRecord[] = [];

  /** Indexes over the maps above, kept by the add/remove methods below (a bench world has 20,000 spaces). */
  private readonly membershipsByRoom = new Map<string, MembershipRecord[]>();
  private readonly roomIdsByPerson = new Map<string, Set<string>>();
  private readonly directRoomsByPair = new Map<string, string>();
  private readonly messagesByRoom = new Map<string, Set<string>>();
  private readonly peopleByUuid = new Map<string, string>();
  private readonly peopleByEmail = new Map<string, string>();
  private readonly roomOrder = new Map<string, number>();

  /** Set once the server listens. */
  baseUrl = '';
  private callSeq = 0;
  private deliverySeq = 0;
  private messageSeq = 0;

  constructor(readonly config: ResolvedConfig) {
    this.events.setMaxListeners(100);
  }

  get apiUrl(): string {
    return `${this.baseUrl}/v1`;
  }

  now(): number {
    return this.config.now();
  }

  iso(ms: number = this.now()): string {
    return new Date(ms).toISOString();
  }

  nextCallSeq(): number {
    return ++this.callSeq;
  }

  nextDeliverySeq(): number {
    return ++this.deliverySeq;
  }

  nextMessageSeq(): number {
    return ++this.messageSeq;
  }

  /** A person by Webex ID or bare UUID. */
  findPerson(idOrUuid: string): PersonRecord | undefined {
    const direct = this.people.get(idOrUuid);
    if (direct) return direct;
    const decoded = decodeWebexId(idOrUuid);
    const id = this.peopleByUuid.get(decoded ? decoded.suffix : idOrUuid);
    return id === undefined ? undefined : this.people.get(id);
  }

  addPerson(record: PersonRecord): void {
    this.people.set(record.person.id, record);
    this.peopleByUuid.set(record.uuid, record.person.id);
    for (const email of record.person.emails) this.peopleByEmail.set(email.toLowerCase(), record.person.id);
  }

  findPersonByEmail(email: string): PersonRecord | undefined {
    const id = this.peopleByEmail.get(email.trim().toLowerCase());
    return id === undefined ? undefined : this.people.get(id);
  }

  /** A person for the control API; throws a readable error when unknown. */
  requirePerson(idOrUuid: string): PersonRecord {
    const record = this.findPerson(idOrUuid);
    if (!record) throw new Error(`Emulator: no person with id ${idOrUuid}`);
    return record;
  }

  requireRoom(roomId: string): RoomRecord {
    const room = this.rooms.get(roomId);
    if (!room) throw new Error(`Emulator: no room with id ${roomId}`);
    return room;
  }

  addRoom(room: RoomRecord): void {
    this.rooms.set(room.id, room);
    this.roomOrder.set(room.id, this.roomOrder.size);
  }

  /** Adds a membership; a direct space is indexed by its pair once its second member is in. */
  addMembership(membership: MembershipRecord): void {
    this.memberships.set(membership.id, membership);
    const ofRoom = entryOf(this.membershipsByRoom, membership.roomId, () => []);
    ofRoom.push(membership);
    entryOf(this.roomIdsByPerson, membership.personId, () => new Set()).add(membership.roomId);
    const room = this.rooms.get(membership.roomId);
    if (room?.type === 'direct' && ofRoom.length === 2) {
      this.directRoomsByPair.set(pairKey(ofRoom[0]!.personId, ofRoom[1]!.personId), room.id);
    }
  }

  addMessage(stored: StoredMessage): void {
    this.messages.set(stored.message.id, stored);
    entryOf(this.messagesByRoom, stored.message.roomId, () => new Set()).add(stored.message.id);
  }

  deleteMessage(messageId: string): void {
    const stored = this.messages.get(messageId);
    if (!stored) return;
    this.messages.delete(messageId);
    this.messagesByRoom.get(stored.message.roomId)?.delete(messageId);
  }

  membershipsOfRoom(roomId: string): MembershipRecord[] {
    return [...(this.membershipsByRoom.get(roomId) ?? [])];
  }

  membersOf(roomId: string): string[] {
    return this.membershipsOfRoom(roomId).map((m) => m.personId);
  }

  isMember(roomId: string, personId: string): boolean {
    return this.roomIdsByPerson.get(personId)?.has(roomId) ?? false;
  }

  /** The person's spaces, in the order the spaces were created. */
  roomsOf(personId: string): RoomRecord[] {
    const ids = this.roomIdsByPerson.get(personId);
    if (!ids) return [];
    return [...ids].map((id) => this.rooms.get(id)).filter((r): r is RoomRecord => r !== undefined).sort((x, y) => this.roomOrder.get(x.id)! - this.roomOrder.get(y.id)!);
  }

  findDirectRoom(a: string, b: string): RoomRecord | undefined {
    const id = this.directRoomsByPair.get(pairKey(a, b));
    return id === undefined ? undefined : this.rooms.get(id);
  }

  /** The room's messages in creation order. */
  messagesOfRoom(roomId: string): StoredMessage[] {
    const ids = this.messagesByRoom.get(roomId);
    if (!ids) return [];
    const out: StoredMessage[] = [];
    for (const id of ids) {
      const stored = this.messages.get(id);
      if (stored) out.push(stored);
    }
    return out;
  }

  /** Forgets everything; arrays are emptied in place so references held by tests stay valid. */
  reset(): void {
    this.people.clear();
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.rooms.clear();
    this.memberships.clear();
    this.messages.clear();
    this.contents.clear();
    this.actions.clear();
    this.webhooks.clear();
    this.membershipsByRoom.clear();
    this.roomIdsByPerson.clear();
    this.directRoomsByPair.clear();
    this.messagesByRoom.clear();
    this.peopleByUuid.clear();
    this.peopleByEmail.clear();
    this.roomOrder.clear();
    this.calls.length = 0;
    this.deliveries.length = 0;
  }
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}\n${b}` : `${b}\n${a}`;
}

/** The map's value for `key`, made and stored first when missing. */
function entryOf<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}
