/**
 * Shapes of the Webex REST API that the bot reads, as documented in the Webex OpenAPI
 * specification (converged recordings and messaging). Only the fields the bot uses are typed;
 * everything Webex marks optional is optional here too.
 */

export type RecordingStatus = 'available' | 'deleted' | 'purged';
export type RecordingServiceType = 'calling' | 'customerAssist';
export type RecordingOwnerType = 'user' | 'place' | 'virtualLine' | 'callQueue';

export interface TemporaryDirectDownloadLinks {
  audioDownloadLink?: string;
  transcriptDownloadLink?: string;
  /** Needs the user's access token to download. */
  suggestedNotesDownloadLink?: string;
  /** Needs the user's access token to download. */
  shortNotesDownloadLink?: string;
  /** Needs the user's access token to download. */
  actionItemsDownloadLink?: string;
  /** ISO 8601; the links stop working at this time (3 hours after the request). */
  expiration?: string;
}

/** `RecordingObjectWithDirectDownloadLinks`: GET /convergedRecordings/{id}. */
export interface Recording {
  id: string;
  topic: string;
  /** ISO 8601 with offset: when the file was generated. */
  createTime: string;
  /** ISO 8601 with offset: when recording started. */
  timeRecorded: string;
  format: string;
  serviceType: RecordingServiceType | string;
  durationSeconds: number;
  sizeBytes: number;
  status: RecordingStatus | string;
  ownerId: string;
  ownerEmail: string;
  ownerType: RecordingOwnerType | string;
  storageRegion: string;
  serviceData?: { locationId?: string; callSessionId?: string };
  /** Absent with admin scope, and when Prevent Downloading is on. */
  temporaryDirectDownloadLinks?: TemporaryDirectDownloadLinks;
}

/**
 * One side of a recorded call in the metadata: a Webex actor, a phone number, or both. Webex
 * names the actor in upper case (`USER`, `PLACE`, `VIRTUAL_LINE`, `CALL_QUEUE`…) by a bare UUID,
 * and gives the number as an E.164 number or a SIP URI (`sip:4060@10.0.0.1;user=phone`).
 */
export interface RecordingParty {
  actor?: { type?: string; id?: string };
  number?: string;
  name?: string;
}

/** GET /convergedRecordings/{id}/metadata: the owner fields and who the call was with. */
export interface RecordingMetadata {
  id: string;
  ownerId?: string;
  ownerEmail?: string;
  ownerType?: string;
  serviceType?: string;
  serviceData?: {
    callingParty?: RecordingParty;
    calledParty?: RecordingParty;
    /** `originator`: the owner placed the call; `terminator`: the owner received it. */
    personality?: 'originator' | 'terminator' | string;
    callId?: string;
    callSessionId?: string;
    locationId?: string;
    session?: { startTime?: string; stopTime?: string };
    [key: string]: unknown;
  };
}

/** `RecordingObject`: one item of GET /convergedRecordings. */
export type RecordingListItem = Omit<Recording, 'temporaryDirectDownloadLinks'>;

export interface Person {
  id: string;
  emails: string[];
  displayName?: string;
  nickName?: string;
  firstName?: string;
  lastName?: string;
  orgId?: string;
  /** IANA zone, present when the person has one configured. */
  timezone?: string;
  type?: 'person' | 'bot' | 'appuser';
}

export type RoomType = 'direct' | 'group';

export interface Room {
  id: string;
  title?: string;
  type: RoomType;
  isLocked?: boolean;
  lastActivity?: string;
  creatorId?: string;
  created?: string;
}

export interface Membership {
  id: string;
  roomId: string;
  personId: string;
  personEmail: string;
  personDisplayName?: string;
  personOrgId?: string;
  isModerator?: boolean;
  isMonitor?: boolean;
  roomType?: RoomType;
  created?: string;
}

export interface CardAttachment {
  contentType: 'application/vnd.microsoft.card.adaptive';
  content: Record<string, unknown>;
}

export interface Message {
  id: string;
  roomId: string;
  roomType: RoomType;
  parentId?: string;
  toPersonId?: string;
  toPersonEmail?: string;
  text?: string;
  markdown?: string;
  html?: string;
  files?: string[];
  personId: string;
  personEmail: string;
  mentionedPeople?: string[];
  mentionedGroups?: string[];
  attachments?: CardAttachment[];
  created: string;
  updated?: string;
}

export interface AttachmentAction {
  id: string;
  type: 'submit';
  messageId: string;
  inputs: Record<string, unknown>;
  personId: string;
  roomId: string;
  created: string;
}

export interface Webhook {
  id: string;
  name: string;
  targetUrl: string;
  resource: string;
  event: string;
  filter?: string;
  secret?: string;
  status?: 'active' | 'inactive';
  created?: string;
  orgId?: string;
  createdBy?: string;
  appId?: string;
  ownedBy?: string;
}

/** The envelope Webex POSTs to a webhook's target URL. */
export interface WebhookEvent {
  id: string;
  name: string;
  targetUrl: string;
  resource: string;
  event: string;
  filter?: string;
  orgId?: string;
  createdBy?: string;
  appId?: string;
  ownedBy?: string;
  status?: string;
  actorId?: string;
  created?: string;
  data: { id: string; roomId?: string; personId?: string; roomType?: RoomType; [key: string]: unknown };
}

/** Webex error body, e.g. `{"message": "...", "errors": [{"description": "..."}], "trackingId": "..."}`. */
export interface WebexErrorBody {
  message?: string;
  errors?: Array<{ description?: string }>;
  trackingId?: string;
}

/** POST /access_token answer. */
export interface TokenResponse {
  access_token: string;
  expires_in: number;
  refresh_token: string;
  refresh_token_expires_in?: number;
  token_type?: string;
  scope?: string;
}

export interface ListPage<T> {
  items: T[];
}
