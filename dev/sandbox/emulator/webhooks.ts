/**
 * Webhook delivery: matches events against active webhooks (resource, event, filter, who may
 * see the event), builds the Webex envelope, signs the exact bytes with HMAC-SHA1 and POSTs them
 * asynchronously, one delivery at a time per webhook so their order is kept.
 */
import { createHmac } from 'node:crypto';
import type { WebhookEvent } from '../../../src/webex/types';
import type { EmulatorState, WebhookRecord } from './state';
import type { DeliveryRecord } from './types';

export interface DomainEvent {
  resource: 'messages' | 'memberships' | 'attachmentActions' | 'rooms' | 'convergedRecordings';
  event: 'created' | 'updated' | 'deleted';
  actorId: string;
  data: WebhookEvent['data'];
  /** Whether a webhook owned by this person may receive the event. */
  visibleTo: (personId: string) => boolean;
  /** Whether an org-wide webhook (`ownedBy: org`) created by this person may receive it; default never. */
  visibleToOrgHookOf?: (personId: string) => boolean;
}

const FAILURE_WINDOW_MS = 5 * 60 * 1000;
const FAILURES_BEFORE_DISABLE = 100;

export function signBody(body: Buffer | string, secret: string): string {
  return createHmac('sha1', secret).update(body).digest('hex');
}

/** Does a webhook filter such as `roomId=…&mentionedPeople=me` accept this event data? */
export function filterMatches(filter: string | undefined, data: WebhookEvent['data'], ownerId: string): boolean {
  if (!filter) return true;
  for (const part of filter.split('&')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = decodeURIComponent(part.slice(0, eq));
    const value = decodeURIComponent(part.slice(eq + 1));
    if (key === 'mentionedPeople') {
      const mentioned = Array.isArray(data.mentionedPeople) ? (data.mentionedPeople as string[]) : [];
      if (!mentioned.includes(value === 'me' ? ownerId : value)) return false;
      continue;
    }
    if (['roomId', 'roomType', 'personId', 'personEmail', 'messageId'].includes(key) && String(data[key] ?? '') !== value) {
      return false;
    }
  }
  return true;
}

export class WebhookDispatcher {
  private readonly queues = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<AbortController>();
  private readonly observers: Array<(event: DomainEvent) => void> = [];
  private duplicateRate = 0;
  private closed = false;

  constructor(
    private readonly state: EmulatorState,
    private readonly random: () => number = Math.random,
  ) {}

  /** Fraction (0..1) of events delivered twice, byte for byte. */
  setDuplicateDeliveryRate(rate: number): void {
    if (!(rate >= 0 && rate <= 1)) throw new Error('Emulator: duplicate delivery rate must be between 0 and 1');
    this.duplicateRate = rate;
  }

  /** Also hands every event to `observer` (the Mercury sockets of websocket mode). */
  observe(observer: (event: DomainEvent) => void): void {
    this.observers.push(observer);
  }

  dispatch(event: DomainEvent): void {
    if (this.closed) return;
    for (const observer of this.observers) observer(event);
    for (const record of this.state.webhooks.values()) {
      const hook = record.webhook;
      if (hook.status !== 'active') continue;
      // The `all` firehose does not carry card clicks: they need an attachmentActions webhook.
      const resourceMatches = hook.resource === 'all' ? event.resource !== 'attachmentActions' : hook.resource === event.resource;
      if (!resourceMatches) continue;
      if (hook.event !== 'all' && hook.event !== event.event) continue;
      const visible = hook.ownedBy === 'org' ? (event.visibleToOrgHookOf?.(record.ownerId) ?? false) : event.visibleTo(record.ownerId);
      if (!visible) continue;
      if (!filterMatches(hook.filter, event.data, record.ownerId)) continue;
      const body = Buffer.from(JSON.stringify(this.envelope(record, event)));
      const copies = this.random() < this.duplicateRate ? 2 : 1;
      for (let copy = 0; copy < copies; copy++) this.enqueue(record, event, body, copy > 0);
    }
  }

  /** Resolves when every queued delivery has been attempted. */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all([...this.queues.values()]);
  }

  close(): void {
    this.closed = true;
    for (const controller of this.inFlight) controller.abort();
  }

  private envelope(record: WebhookRecord, event: DomainEvent): WebhookEvent {
    const hook = record.webhook;
    return {
      id: hook.id,
      name: hook.name,
      targetUrl: hook.targetUrl,
      resource: event.resource,
      event: event.event,
      ...(hook.filter ? { filter: hook.filter } : {}),
      orgId: hook.orgId,
      createdBy: hook.createdBy,
      appId: hook.appId,
      ownedBy: hook.ownedBy,
      status: hook.status,
      created: hook.created,
      actorId: event.actorId,
      data: event.data,
    };
  }

  private enqueue(record: WebhookRecord, event: DomainEvent, body: Buffer, duplicate: boolean): void {
    const id = record.webhook.id;
    const previous = this.queues.get(id) ?? Promise.resolve();
    const next = previous.then(() => this.deliver(record, event, body, duplicate)).catch(() => undefined);
    this.queues.set(id, next);
    void next.then(() => {
      if (this.queues.get(id) === next) this.queues.delete(id);
    });
  }

  private async deliver(record: WebhookRecord, event: DomainEvent, body: Buffer, duplicate: boolean): Promise<void> {
    if (this.closed) return;
    const hook = record.webhook;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'webex-emulator' };
    if (hook.secret) headers['x-spark-signature'] = signBody(body, hook.secret);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.state.config.deliveryTimeoutMs);
    this.inFlight.add(controller);
    const at = this.state.now();
    const started = process.hrtime.bigint();
    let status = 0;
    let error: string | undefined;
    try {
      const response = await fetch(hook.targetUrl, { method: 'POST', headers, body: Uint8Array.from(body), signal: controller.signal });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch (err) {
      error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
    if (this.closed) return;
    this.noteOutcome(record, status);
    const delivery: DeliveryRecord = {
      seq: this.state.nextDeliverySeq(),
      at: this.state.iso(at),
      webhookId: hook.id,
      webhookName: hook.name,
      ownerId: record.ownerId,
      targetUrl: hook.targetUrl,
      resource: event.resource,
      event: event.event,
      dataId: event.data.id,
      status,
      durationMs: Number(process.hrtime.bigint() - started) / 1e6,
      ...(error ? { error } : {}),
      duplicate,
    };
    this.state.deliveries.push(delivery);
    this.state.events.emit('webhook-delivery', delivery);
  }

  private noteOutcome(record: WebhookRecord, status: number): void {
    if (status >= 200 && status < 300) return;
    const now = this.state.now();
    record.failures = record.failures.filter((t) => now - t < FAILURE_WINDOW_MS);
    record.failures.push(now);
    if (record.failures.length >= FAILURES_BEFORE_DISABLE) record.webhook.status = 'inactive';
  }
}
