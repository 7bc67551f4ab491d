import type { Destination, Messenger, Outgoing } from '../replies/messenger';
import type { Message } from '../webex/types';
import type { Inbox, PendingRequest, Store } from '../store/types';
import { requestMessageOf } from './events';

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
 */
export class EventSteps {
  private next = 0;
  /** Posts accounted for in this attempt, by destination and what tells them apart. */
  private readonly accountedPosts = new Map<string, number>();
  /** The person's message this event answers (a `messages` event), if any. */
  private readonly request: string | null;
  /** Transient notes posted in this attempt: neither they nor their deletion are steps. */
  private readonly transientIds = new Set<string>();

  constructor(
    private readonly inbox: Inbox,
    readonly key: string,
    private readonly done: ReadonlyMap<number, string>,
    private readonly now: () => Date,
    /** Whether an earlier attempt may have posted (this is a retry); null: nothing to check. */
    private readonly botPersonId: string | null,
  ) {
    this.request = requestMessageOf(key);
  }

  /** Loads what earlier attempts of the event recorded (nothing to load on a first attempt). */
  static async load(inbox: Inbox, key: string, attempts: number, now: () => Date, botPersonId: () => string | undefined): Promise<EventSteps> {
    if (attempts <= 1) return new EventSteps(inbox, key, new Map(), now, null);
    return new EventSteps(inbox, key, await inbox.steps(key), now, botPersonId() ?? null);
  }

  /** Runs the step unless an earlier attempt did; either way returns its result. */
  async once<T>(perform: () => Promise<T>): Promise<T> {
    this.next += 1;
    const step = this.next;
    const recorded = this.done.get(step);
    if (recorded !== undefined) return JSON.parse(recorded) as T;
    const result = await perform();
    await this.inbox.recordStep(this.key, step, JSON.stringify(result ?? null), this.now());
    return result;
  }

  /** The messenger for this event's work: posts and deletions are steps, reads are not. */
  messenger(inner: Messenger): Messenger {
    return {
      post: async (to, message) => {
        if (message.transient) {
          const note = await inner.post(to, message);
          this.transientIds.add(note.id);
          return note;
        }
        const slot = `${JSON.stringify(to)}\n${message.match ? `match:${message.match}` : identity(message)}`;
        const accounted = this.accountedPosts.get(slot) ?? 0;
        const result = await this.once(async () => {
          const earlier = await this.earlierPost(inner, to, message, accounted);
          if (earlier) return { id: earlier.id };
          return { id: (await inner.post(to, message)).id };
        });
        this.accountedPosts.set(slot, accounted + 1);
        return result;
      },
      remove: (messageId) => (this.transientIds.delete(messageId) ? inner.remove(messageId) : this.once(() => inner.remove(messageId))),
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
      const at = seen.findIndex((m) => m.id === this.request);
      // The request is not among the recent messages there: nothing to tell the posts apart by.
      if (at < 0) return undefined;
      candidates = seen.slice(at + 1);
      const wanted = identity(message);
      same = (m) => identity({ markdown: m.markdown ?? m.text ?? '', card: (m.attachments?.length ?? 0) > 0 ? {} : undefined }) === wanted;
    }
    return candidates.filter((m) => m.personId === this.botPersonId && !this.transientIds.has(m.id) && same(m))[accounted];
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
