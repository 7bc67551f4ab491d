/**
 * Public types of the local Webex emulator: options, fixtures, control-API inputs and the
 * records it keeps for tests (calls, webhook deliveries, stored messages).
 */
import type { AttachmentAction, Message, Person, Recording, Room } from '../../../src/webex/types';

export type { AttachmentAction, Message, Person, Recording, Room };

export interface EmulatorOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Base URL the emulator advertises in links (Link headers, download links, file URLs). Default: the listening URL. */
  publicUrl?: string;
  /** Lifetime of access tokens granted by /access_token and issueToken(). Default 14 days. */
  accessTokenLifetimeSeconds?: number;
  /** Lifetime of refresh tokens. Default 90 days. */
  refreshTokenLifetimeSeconds?: number;
  /** Lifetime of OAuth authorization codes. Default 300 s. */
  codeLifetimeSeconds?: number;
  /** Lifetime of recording download links. Default 3 h. */
  linkLifetimeSeconds?: number;
  /** Timeout of one webhook delivery. Default 10 s. */
  deliveryTimeoutMs?: number;
  /** Most items one page of a list holds even when `max` asks for more, to exercise paging. Default 100. */
  maxPageItems?: number;
  /** Clock, in epoch milliseconds. Default Date.now. */
  now?: () => number;
  /**
   * Keep each call's request and response bodies in the call log (the sandbox's inspector shows
   * them). Default false: long runs (bench, load tests) would hold every body in memory.
   */
  keepCallBodies?: boolean;
  /**
   * Every Webex call (REST, OAuth, downloads; not the control API) is answered this many
   * milliseconds late, as if over the Internet (`npm run bench -- latency`). Default 0.
   */
  latencyMs?: number;
}

export type PersonRole = 'user' | 'admin' | 'compliance';

export interface AddPersonInput {
  email: string;
  displayName: string;
  role?: PersonRole;
  /** IANA zone shown as `timezone` by GET /people/me. */
  timezone?: string;
  /** A Webex person ID (base64 `ciscospark://us/PEOPLE/<uuid>`) or a bare UUID. Default: random. */
  id?: string;
  firstName?: string;
  lastName?: string;
}

export interface CreateBotInput {
  displayName: string;
  email: string;
  /** Exact token to accept for this bot; default: a random one. */
  token?: string;
}

export interface BotHandle {
  person: Person;
  token: string;
}

export interface IntegrationInput {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export interface IssueTokenOptions {
  scopes: string[];
  expiresInSeconds?: number;
  /** Integration the refresh token is bound to; default: any registered integration may refresh it. */
  clientId?: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

export interface TokenStats {
  refreshGrants: number;
  codeGrants: number;
}

/** Kinds of temporary download links a recording fixture offers. */
export type LinkKind = 'audio' | 'transcript' | 'suggestedNotes' | 'shortNotes' | 'actionItems';

export const LINK_KINDS: readonly LinkKind[] = ['audio', 'transcript', 'suggestedNotes', 'shortNotes', 'actionItems'];

/** A forced answer for GET /convergedRecordings/{id}. */
export interface ForcedResponse {
  status: number;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  /** How many requests get this answer before the normal one; absent = always. */
  times?: number;
}

/**
 * Who a recorded call was with, for GET /convergedRecordings/{id}/metadata. The owner's side is
 * the owner; `other` is a person of the emulator (by ID), a phone number, or both.
 */
/** The kinds of party Webex names in recording metadata (`actor.type`). */
export type PartyKind = 'USER' | 'PLACE' | 'VIRTUAL_LINE' | 'CALL_QUEUE';

export interface CallFixture {
  /** `outgoing`: the owner placed the call (personality `originator`). */
  direction: 'incoming' | 'outgoing';
  /**
   * The other party: a person of the emulator (`personId`, served as a `USER` actor by UUID), or
   * another kind of party (`kind` and `id`, a UUID), or an outside number alone. `extension`
   * is served as a SIP URI (`sip:4060@10.0.0.1;user=phone`), `number` as E.164 (spaces dropped).
   * `name` is served only for places, virtual lines and queues.
   */
  other: { personId?: string; kind?: Exclude<PartyKind, 'USER'>; id?: string; name?: string; number?: string; extension?: string };
  /** The owner's own extension; default 4001. */
  ownerExtension?: string;
}

export interface RecordingFixture extends Recording {
  /** Links offered when the caller may have links; default ['audio', 'transcript']. */
  links?: LinkKind[];
  /** Prevent Downloading: no `temporaryDirectDownloadLinks` at all. */
  preventDownload?: boolean;
  respond?: ForcedResponse;
  /** Who the call was with; default: an outgoing call to a number derived from the ID. */
  call?: CallFixture;
  /** A forced answer for GET …/metadata (e.g. 403: the metadata is refused). */
  metadataRespond?: ForcedResponse;
  /** Short human description, listed by GET /_emulator/recordings. */
  description?: string;
  /** Contents served by the download links; defaults are generated. */
  content?: {
    transcript?: string;
    suggestedNotes?: string;
    shortNotes?: string;
    actionItems?: string;
  };
}

/** Input of Emulator.newRecording: a recording that appears now, for its owner. */
export interface NewRecordingInput {
  /** The owner: an emulator person's ID, UUID or email. */
  owner: string;
  id?: string;
  topic?: string;
  durationSeconds?: number;
  call?: CallFixture;
  links?: LinkKind[];
  metadataRespond?: ForcedResponse;
}

export type CallerKind = 'bot' | 'person' | 'anonymous';

export interface CallRecord {
  seq: number;
  /** ISO time the request arrived. */
  at: string;
  method: string;
  /** Path and query, with secrets (tickets, codes, tokens) removed. */
  path: string;
  /** HTTP status; 0 when the connection was dropped. */
  status: number;
  durationMs: number;
  /** performance.now() of this process when the request arrived and when it was answered (ms). */
  startedMs: number;
  endedMs: number;
  caller: { personId: string | null; kind: CallerKind };
  trackingId: string;
  /** The request's body as text for the inspector (secrets blanked, cut at 16 KB), when it had one. */
  requestBody?: string;
  /** The answer's body likewise; binary answers are described by size and type. */
  responseBody?: string;
}

export interface DeliveryRecord {
  seq: number;
  at: string;
  webhookId: string;
  webhookName: string;
  ownerId: string;
  targetUrl: string;
  resource: string;
  event: string;
  dataId: string;
  /** HTTP status of the target's answer; 0 on network error or timeout. */
  status: number;
  durationMs: number;
  error?: string;
  /** True for the second copy sent by the duplicate-delivery fault. */
  duplicate: boolean;
}

export interface FaultSpec {
  method?: string;
  /** Matched against the path without query: a string equals the full path (`/v1/messages`) or the path under /v1 (`/messages`). */
  path: string | RegExp;
  status?: number;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  /** Wait before answering (or before handling normally when no status is set). */
  delayMs?: number;
  /** Hold each matching request until `faults.release(id)` (or `clear()`), then go on as the
   * rest of the fault says: a slow Webex that a test controls without waiting on a clock. */
  hold?: boolean;
  /** How many matching requests the fault applies to; absent = unlimited. */
  times?: number;
  /** Chance (0..1) that a matching request is affected; default 1. */
  probability?: number;
  /** Destroy the socket instead of answering. */
  dropConnection?: boolean;
  /** Handle the request (a message is posted), then destroy the socket instead of sending the
   * answer: the caller cannot know that it worked. */
  loseAnswer?: boolean;
  /** Handle the request (a message is posted), then answer with `status` instead (a 502 from a
   * gateway that lost Webex's answer): the caller is told it failed although it worked. Routes
   * that answer JSON. */
  afterHandling?: boolean;
  /** Error message in the Webex error body. */
  message?: string;
}

/** A message as stored by the emulator: the Webex message plus checks made on its card. */
export interface EmulatorMessage extends Message {
  /** Problems Webex clients would have with the message's card (version > 1.3, > 5 actions, no fallback text…). */
  warnings: string[];
}

export interface SayInput {
  as: string;
  roomId: string;
  text: string;
  /** Group space: prefix the bot's display name and put the bot in mentionedPeople. */
  mentionBot?: boolean;
  parentId?: string;
}

export interface ClickInput {
  as: string;
  messageId: string;
  inputs: Record<string, unknown>;
}

export interface BotMessageFilter {
  roomId?: string;
  botId?: string;
}

export type EmulatorEventName = 'call' | 'message' | 'webhook-delivery' | 'attachment-action';
