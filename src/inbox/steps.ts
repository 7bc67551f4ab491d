import type { Destination, Messenger, Outgoing } from '../replies/messenger';
import type { Message } from '../webex/types';
import type { Inbox, PendingRequest, Store } from '../store/types';

/**
 * The outward steps of one inbox event (a reply posted, a card deleted, a pending request
 * stored), numbered in the order the event's work makes them and recorded once done. A retried
 * attempt of the event skips the steps already recorded and gets their recorded results, so it
 * never posts twice.
 *
 * A crash between a post and its record leaves a post Webex has but the record lacks. A retried
 * attempt therefore compares, for a threaded reply (group spaces), the bot's replies in the
 * thread with the posts it accounts for, and takes an unaccounted reply as that step instead of
 * posting again. An unthreaded post is looked for the same way when it names what it is about
 * (`Outgoing.match`, a recording ID in an announcement's card); one that does not (a 1:1 reply)
 * cannot be told apart, and is posted again.
 */
export class EventSteps {
  private next = 0;
  /** Posts accounted for in this attempt: threaded ones by parent message and kind (card or
   * not), matched ones by destination and match. */
  private readonly threadPosts = new Map<string, number>();
  /** Transient notes posted in this attempt: neither they nor their deletion are steps. */
  private readonly transientIds = new Set<string>();
  /** When the event first arrived (the inbox's receive time): progress notes are timed from it. */
  receivedAt: Date | undefined;

  constructor(
    private readonly inbox: Inbox,
    readonly key: string,
    private readonly done: ReadonlyMap<number, string>,
    private readonly now: () => Date,
    /** Whether an earlier attempt may have posted (this is a retry); null: nothing to check. */
    private readonly botPersonId: string | null,
  ) {}

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
        const thread = 'parentId' in to && to.parentId ? to.parentId : null;
        const isCard = Boolean(message.card);
        const matched = !thread && message.match ? message.match : null;
        const slot = thread ? `${thread}:${isCard}` : matched ? `match:${JSON.stringify(to)}:${matched}` : null;
        const accounted = slot ? (this.threadPosts.get(slot) ?? 0) : 0;
        const result = await this.once(async () => {
          const earlier = await this.earlierPost(inner, to, thread, matched, message, accounted);
          if (earlier) return { id: earlier.id };
          return { id: (await inner.post(to, message)).id };
        });
        if (slot) this.threadPosts.set(slot, accounted + 1);
        return result;
      },
      remove: (messageId) => (this.transientIds.delete(messageId) ? inner.remove(messageId) : this.once(() => inner.remove(messageId))),
      get: (messageId) => inner.get(messageId),
      ...(inner.threadReplies ? { threadReplies: inner.threadReplies.bind(inner) } : {}),
      ...(inner.recentPosts ? { recentPosts: inner.recentPosts.bind(inner) } : {}),
    };
  }

  /**
   * On a retry, the bot's post an earlier attempt may have made for this step and not recorded:
   * in the thread (a card, or the same text: a slow answer's note is never taken for the answer),
   * or among the recent posts at the destination for a post with a `match`.
   */
  private async earlierPost(
    inner: Messenger,
    to: Destination,
    thread: string | null,
    matched: string | null,
    message: Outgoing,
    accounted: number,
  ): Promise<Message | undefined> {
    if (this.botPersonId === null) return undefined;
    const isCard = Boolean(message.card);
    let seen: Message[];
    let same: (m: Message) => boolean;
    if (thread && 'roomId' in to && inner.threadReplies) {
      seen = await inner.threadReplies(to.roomId, thread);
      same = (m) => (m.attachments?.length ?? 0) > 0 === isCard && (isCard || (m.markdown ?? m.text) === message.markdown);
    } else if (matched && inner.recentPosts) {
      const firstLine = (text: string) => text.split('\n', 1)[0];
      seen = await inner.recentPosts(to);
      same = (m) => firstLine(m.markdown ?? m.text ?? '') === firstLine(message.markdown) && JSON.stringify(m.attachments ?? []).includes(matched);
    } else {
      return undefined;
    }
    return seen.filter((m) => m.personId === this.botPersonId && !this.transientIds.has(m.id) && same(m))[accounted];
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
