import { progressNoteText, withProgressNote, type ProgressTimers } from '../../src/replies/progress';

/** Timers driven by the test: nothing runs until `advance` says time has passed. */
function manualTimers(): ProgressTimers & { advance(ms: number): void; pending(): number } {
  let now = 0;
  let nextId = 1;
  const queue = new Map<number, { at: number; callback: () => void }>();
  return {
    setTimeout(callback, ms) {
      const id = nextId++;
      queue.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimeout(handle) {
      queue.delete(handle as number);
    },
    advance(ms) {
      now += ms;
      for (const [id, entry] of [...queue].sort((a, b) => a[1].at - b[1].at)) {
        if (entry.at <= now) {
          queue.delete(id);
          entry.callback();
        }
      }
    },
    pending: () => queue.size,
  };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('withProgressNote', () => {
  const setup = () => {
    const timers = manualTimers();
    const events: string[] = [];
    const errors: unknown[] = [];
    const options = {
      afterMs: 1500,
      timers,
      post: async () => {
        events.push('note posted');
        return { id: 'note-1' };
      },
      remove: async (id: string) => {
        events.push(`deleted ${id}`);
      },
      onError: (err: unknown) => errors.push(err),
    };
    return { timers, events, errors, options };
  };

  it('posts no note when the answer comes within the delay, and leaves no timer behind', async () => {
    const { timers, events, options } = setup();
    const answer = deferred<string>();
    const running = withProgressNote(async () => {
      const value = await answer.promise;
      events.push('answer posted');
      return value;
    }, options);
    timers.advance(1499);
    answer.resolve('card');
    await expect(running).resolves.toBe('card');
    expect(events).toEqual(['answer posted']);
    expect(timers.pending()).toBe(0);
  });

  it('posts the note after the delay and deletes it once the answer is posted', async () => {
    const { timers, events, options } = setup();
    const answer = deferred<string>();
    const running = withProgressNote(async () => {
      const value = await answer.promise;
      events.push('answer posted');
      return value;
    }, options);
    timers.advance(1500);
    await Promise.resolve();
    expect(events).toEqual(['note posted']);
    answer.resolve('card');
    await expect(running).resolves.toBe('card');
    expect(events).toEqual(['note posted', 'answer posted', 'deleted note-1']);
  });

  it('deletes the note also when the answer fails, and passes the failure on', async () => {
    const { timers, events, options } = setup();
    const answer = deferred<void>();
    const running = withProgressNote(async () => {
      await answer.promise;
      throw new Error('posting failed');
    }, options);
    timers.advance(2000);
    answer.resolve();
    await expect(running).rejects.toThrow('posting failed');
    expect(events).toEqual(['note posted', 'deleted note-1']);
  });

  it('answers even when the note cannot be posted', async () => {
    const { timers, errors, options } = setup();
    const answer = deferred<string>();
    const running = withProgressNote(() => answer.promise, { ...options, post: () => Promise.reject(new Error('429')) });
    timers.advance(1500);
    answer.resolve('card');
    await expect(running).resolves.toBe('card');
    expect(errors).toHaveLength(1);
  });

  it('names the recording in the note', () => {
    expect(progressNoteText('62807eaf')).toMatch(/^Looking up recording `62807eaf` …/);
  });
});
