/**
 * The emulator's in-memory world: people, tokens, rooms, memberships, messages, webhooks and
 * the logs tests read. Pure data with small lookups; behaviour lives in the services.
 */
import { EventEmitter } from 'node:events';
import type { AttachmentAction, Person, RoomType, Webhook } from '../../../src/webex/types';
import { decodeWebexId, randomUUID, webexId } from './ids';
import type { CallRecord, DeliveryRecord, EmulatorMessage, EmulatorOptions, PersonRole } from './types';

export interface ResolvedConfig {
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
}

export function resolveConfig(options: EmulatorOptions = {}): ResolvedConfig {
  return {
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
    const uuid = decoded ? decoded.suffix : idOrUuid;
    for (const record of this.people.values()) if (record.uuid === uuid) return record;
    return undefined;
  }

  findPersonByEmail(email: string): PersonRecord | undefined {
    const wanted = email.trim().toLowerCase();
    for (const record of this.people.values()) {
      if (record.person.emails.some((e) => e.toLowerCase() === wanted)) return record;
    }
    return undefined;
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

  membershipsOfRoom(roomId: string): MembershipRecord[] {
    return [...this.memberships.values()].filter((m) => m.roomId === roomId);
  }

  membersOf(roomId: string): string[] {
    return this.membershipsOfRoom(roomId).map((m) => m.personId);
  }

  isMember(roomId: string, personId: string): boolean {
    for (const m of this.memberships.values()) if (m.roomId === roomId && m.personId === personId) return true;
    return false;
  }

  roomsOf(personId: string): RoomRecord[] {
    const ids = new Set([...this.memberships.values()].filter((m) => m.personId === personId).map((m) => m.roomId));
    return [...this.rooms.values()].filter((r) => ids.has(r.id));
  }

  findDirectRoom(a: string, b: string): RoomRecord | undefined {
    for (const room of this.rooms.values()) {
      if (room.type !== 'direct') continue;
      const members = this.membersOf(room.id);
      if (members.length === 2 && members.includes(a) && members.includes(b)) return room;
    }
    return undefined;
  }

  messagesOfRoom(roomId: string): StoredMessage[] {
    return [...this.messages.values()].filter((m) => m.message.roomId === roomId);
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
    this.calls.length = 0;
    this.deliveries.length = 0;
  }
}
