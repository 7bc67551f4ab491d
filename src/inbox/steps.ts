import type { Destination, Messenger, Outgoing } from '../replies/messenger';
import type { Message } from '../webex/types';
import type { Inbox, PendingRequest, Store } from '../store/types';
import { isStoreUnavailable } from '../store/errors';
import { sameId } from '../transport/envelope';
import { requestMessageOf } from './events';

/** How long a done step's record is tried again while the store is unavailable. */
export const RECORD_PATIENCE_MS = 30_000;

/** Notes an attempt may post (their record numbers are per attempt). */
const NOTES_PER_ATTEMPT = 500;

/** A note's deletion is recorded under the note's number minus one (an odd number). */
function isNoteRemoval(step: number): boolean {
  return step < 0 && -step % 2 === 1;
}

/**
 * The outward steps of one inbox event (a reply posted, a card deleted, a pending request
 * stored), numbered in the order the event's work makes them and recorded once done. A retried
 * attempt of the event skips the steps already recorded and gets their recorded results, so it
 * never posts twice.
 *
 * A crash between a post and its record, or a post whose answer was lost (Webex posted it, then
 * a 502 or a broken connection reached the bot), leaves a post Webex has but the record lacks.
 * A retried attempt therefore looks at the bot's recent messages where Webex lets a bot list
 * them, a 1:1 space, and takes an unaccounted post of its own as that step instead of posting
 * again: after the person's request (a reply: the same text, or a card with the same first line
 * of its fallback), or anywhere recent for a post that names what it is about (`Outgoing.match`,
 * a recording ID in an announcement's card). In a group space Webex lets a bot list only the
 * messages that mention it, never its own: there the post is made again (README, "Operating
 * properties").
 *
 * A transient note ("Looking up recording …", posted only when an answer is slow) is not a
 * numbered step (a retry may not post one), but it is recorded too, under numbers of its own
 * (negative, per attempt), with its deletion: a note an attempt could not delete (a 503, a
 * crash, a lease lost to another instance) is deleted by the end of a later attempt
 * (`removeNotes`). Only a crash between the note's post and its record leaves one unknown.
 */
export class EventSteps {
  private next = 0;
  /** Posts accounted for in this attempt, by destination and what tells them apart. */
  private readonly accountedPosts = new Map<string, number>();
  /** The person's message this event answers (a `messages` event), if any. */
  private readonly request: string | null;
  /** Transient notes of this attempt and of earlier ones, by message id: their record number,
   * and whether they are deleted. */
  private readonly notes = new Map<string, { step: number; removed: boolean }>();
  /** Notes whose post got no answer (a timeout, a lost connection, a 5xx): Webex may have
   * posted them. Looked for among the bot's messages at their destination by `removeNotes`. */
  private readonly unknownNotes: Array<{ step: number; to: Destination; markdown: string; done: boolean }> = [];
  /** The bot's own person id, for finding its notes (null when not known yet). */
  private readonly self: string | null;
  /** Notes posted in this attempt so far. */
  private notesPosted = 0;
  /** Whether this attempt posted something that is not a note. */
  private posted = false;
  /** When the event first arrived (the inbox's receive time): progress notes are timed from it. */
  receivedAt: Date | undefined;

  constructor(
    private readonly inbox: Inbox,
    readonly key: string,
    private readonly done: ReadonlyMap<number, string>,
    private readonly now: () => Date,
    /** Whether an earlier attempt may have posted (this is a retry); null: nothing to check. */
    private readonly botPersonId: string | null,
    /** This attempt's number (1 for the first). */
    private readonly attempt = 1,
    self?: string | null,
  ) {
    this.request = requestMessageOf(key);
    this.self = self ?? botPersonId;
    for (const [step, result] of done) {
      if (step >= 0 || isNoteRemoval(step)) continue;
      const recorded = JSON.parse(result) as { note?: unknown; lookFor?: { to: Destination; markdown: string } } | null;
      if (typeof recorded?.note === 'string') this.notes.set(recorded.note, { step, removed: done.has(step - 1) });
      else if (recorded?.lookFor) this.unknownNotes.push({ step, ...recorded.lookFor, done: done.has(step - 1) });
    }
  }

  /** Loads what earlier attempts of the event recorded (nothing to load on a first attempt). */
  static async load(inbox: Inbox, key: string, attempts: number, now: () => Date, botPersonId: () => string | undefined): Promise<EventSteps> {
    if (attempts <= 1) return new EventSteps(inbox, key, new Map(), now, null, attempts, botPersonId() ?? null);
    return new EventSteps(inbox, key, await inbox.steps(key), now, botPersonId() ?? null, attempts);
  }

  /** Whether the person has been told something for this event (by this attempt or an earlier
   * one): a post that is not a note. An event given up on after that gets no apology. */
  answered(): boolean {
    if (this.posted) return true;
    for (const [step, result] of this.done) {
      if (step > 0 && typeof (JSON.parse(result) as { id?: unknown } | null)?.id === 'string') return true;
    }
    return false;
  }

  /** Deletes every note of the event still in the space (this attempt's and earlier ones');
   * throws when one could not be deleted (the event is then retried). */
  async removeNotes(inner: Messenger): Promise<void> {
    let failed: unknown;
    const fail = (err: unknown) => {
      failed ??= err;
    };
    for (const unknown of this.unknownNotes) {
      if (!unknown.done) await this.findNote(inner, unknown).catch(fail);
    }
    for (const [id, note] of this.notes) {
      if (note.removed) continue;
      await this.removeNote(inner, id).catch(fail);
    }
    if (failed !== undefined) throw failed;
  }

  /** The bot's messages with the note's text at its destination, not known as notes yet: taken
   * as the note whose post got no answer (and deleted with the others). */
  private async findNote(inner: Messenger, unknown: { step: number; to: Destination; markdown: string; done: boolean }): Promise<void> {
    // Only where Webex lets a bot list its own messages (a 1:1 space): in a group thread the
    // note stays (docs/operations.md, "Operating properties").
    const seen = inner.recentPosts ? await inner.recentPosts(unknown.to) : null;
    if (seen && this.self !== null) {
      for (const m of seen) {
        if (m.personId !== this.self || this.notes.has(m.id) || (m.markdown ?? m.text) !== unknown.markdown) continue;
        this.notes.set(m.id, { step: this.nextNoteStep(), removed: false });
      }
    }
    unknown.done = true;
    await this.inbox.recordStep(this.key, unknown.step - 1, 'null', this.now()).catch(() => undefined);
  }

  private nextNoteStep(): number {
    this.notesPosted += 1;
    return -(this.attempt * NOTES_PER_ATTEMPT * 2 + this.notesPosted * 2);
  }

  private async postNote(inner: Messenger, to: Destination, message: Outgoing): Promise<{ id: string }> {
    let note: { id: string };
    try {
      note = await inner.post(to, message);
    } catch (err) {
      // No answer, or a 5xx: Webex may have posted it all the same.
      const status = (err as { status?: unknown }).status;
      if (typeof status !== 'number' || status === 0 || status >= 500) {
        const lookFor = { step: this.nextNoteStep(), to, markdown: message.markdown, done: false };
        this.unknownNotes.push(lookFor);
        await this.inbox.recordStep(this.key, lookFor.step, JSON.stringify({ lookFor: { to, markdown: message.markdown } }), this.now()).catch(() => undefined);
      }
      throw err;
    }
    const step = this.nextNoteStep();
    this.notes.set(note.id, { step, removed: false });
    // Unrecorded (the store is away), it is still deleted by this attempt.
    await this.inbox.recordStep(this.key, step, JSON.stringify({ note: note.id }), this.now()).catch(() => undefined);
    return note;
  }

  private async removeNote(inner: Messenger, id: string): Promise<void> {
    const note = this.notes.get(id);
    if (!note || note.removed) return;
    try {
      await inner.remove(id);
    } catch (err) {
      // Gone already (deleted by an attempt that could not record it): done.
      if ((err as { status?: unknown }).status !== 404) throw err;
    }
    note.removed = true;
    await this.inbox.recordStep(this.key, note.step - 1, 'null', this.now()).catch(() => undefined);
  }

  /** Runs the step unless an earlier attempt did; either way returns its result. */
  async once<T>(perform: () => Promise<T>): Promise<T> {
    this.next += 1;
    const step = this.next;
    const recorded = this.done.get(step);
    if (recorded !== undefined) return JSON.parse(recorded) as T;
    const result = await perform();
    await this.record(step, JSON.stringify(result ?? null));
    return result;
  }

  /**
   * Records a step that was done. While the store is unavailable (a full disk, a lost
   * connection) the record is tried again for a while instead of failing the attempt: a retried
   * attempt would do the step again, and a post in a group thread cannot be looked for.
   */
  private async record(step: number, result: string): Promise<void> {
    const deadline = Date.now() + RECORD_PATIENCE_MS;
    for (let pause = 100; ; pause = Math.min(pause * 2, 2_000)) {
      try {
        await this.inbox.recordStep(this.key, step, result, this.now());
        return;
      } catch (err) {
        if (!isStoreUnavailable(err) || Date.now() + pause > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }

  /** The messenger for this event's work: posts and deletions are steps, reads are not. */
  messenger(inner: Messenger): Messenger {
    return {
      post: async (to, message) => {
        if (message.transient) return this.postNote(inner, to, message);
        const slot = `${JSON.stringify(to)}\n${message.match ? `match:${message.match}` : identity(message)}`;
        const accounted = this.accountedPosts.get(slot) ?? 0;
        const result = await this.once(async () => {
          const earlier = await this.earlierPost(inner, to, message, accounted);
          if (earlier) return { id: earlier.id };
          return { id: (await inner.post(to, message)).id };
        });
        this.accountedPosts.set(slot, accounted + 1);
        this.posted = true;
        return result;
      },
      remove: (messageId) => (this.notes.has(messageId) ? this.removeNote(inner, messageId) : this.once(() => inner.remove(messageId))),
      get: (messageId) => inner.get(messageId),
      ...(inner.recentPosts ? { recentPosts: inner.recentPosts.bind(inner) } : {}),
    };
  }

  /**
   * On a retry, the bot's post an earlier attempt may have made for this step and not recorded,
   * among its recent posts in a 1:1 space (the only kind of space Webex lets a bot list): after
   * the request with the same identity (a slow answer's note is never taken for the answer), or
   * anywhere recent for a post with a `match`.
   */
  private async earlierPost(inner: Messenger, to: Destination, message: Outgoing, accounted: number): Promise<Message | undefined> {
    if (this.botPersonId === null || !inner.recentPosts) return undefined;
    if (!message.match && this.request === null) return undefined;
    const seen = await inner.recentPosts(to);
    if (!seen) return undefined;
    let candidates: Message[];
    let same: (m: Message) => boolean;
    if (message.match) {
      const matched = message.match;
      candidates = seen;
      same = (m) => firstLine(m.markdown ?? m.text ?? '') === firstLine(message.markdown) && JSON.stringify(m.attachments ?? []).includes(matched);
    } else {
      const at = seen.findIndex((m) => sameId(m.id, this.request ?? undefined));
      // The request is not among the recent messages there: nothing to tell the posts apart by.
      if (at < 0) return undefined;
      candidates = seen.slice(at + 1);
      const wanted = identity(message);
      same = (m) => identity({ markdown: m.markdown ?? m.text ?? '', card: (m.attachments?.length ?? 0) > 0 ? {} : undefined }) === wanted;
    }
    return candidates.filter((m) => m.personId === this.botPersonId && !this.notes.has(m.id) && same(m))[accounted];
  }

  /** The store for this event's work: storing a pending request is a step. */
  store(inner: Store): Store {
    const addPendingRequest = (request: PendingRequest) => this.once(() => inner.addPendingRequest(request));
    return new Proxy(inner, {
      get(target, property, receiver) {
        if (property === 'addPendingRequest') return addPendingRequest;
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
}

const firstLine = (text: string) => text.split('\n', 1)[0] ?? '';

/** What tells one post of an event from another: a card by its fallback's first line, a text whole. */
function identity(message: Pick<Outgoing, 'markdown' | 'card'>): string {
  return message.card ? `card:${firstLine(message.markdown)}` : `text:${message.markdown}`;
}
