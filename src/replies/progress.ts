/**
 * A sign of work on slow answers: when an answer takes longer than `afterMs` (Webex retrying after
 * a 502 or 503 takes seconds), a short note says what the bot is doing, and the note is deleted
 * once the answer is posted. Fast answers never see a note.
 */

/** The timers the note waits with; tests pass fake ones. */
export interface ProgressTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ProgressNoteOptions {
  /** How long an answer may take before the note is posted. */
  afterMs: number;
  timers: ProgressTimers;
  /** Posts the note; resolves with its message ID. */
  post(): Promise<{ id: string }>;
  /** Deletes the note. */
  remove(id: string): Promise<void>;
  /** A note that could not be posted or deleted is not worth failing the answer. */
  onError(err: unknown): void;
}

/** How long an answer may take before "Looking up recording …" is posted. */
export const PROGRESS_NOTE_AFTER_MS = 1500;

/** Every progress note starts with this (tests tell notes from answers by it). */
export const PROGRESS_NOTE_PREFIX = 'Looking up recording';

export function progressNoteText(recordingId: string): string {
  return `${PROGRESS_NOTE_PREFIX} \`${recordingId.replace(/`/g, '')}\` … Webex is slow to answer; the card follows here.`;
}

export const REAL_TIMERS: ProgressTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Runs `work` (which posts the answer); posts the note if it is still running after `afterMs`. */
export async function withProgressNote<T>(work: () => Promise<T>, options: ProgressNoteOptions): Promise<T> {
  let note: Promise<{ id: string } | undefined> | undefined;
  const timer = options.timers.setTimeout(() => {
    note = options.post().catch((err: unknown) => {
      options.onError(err);
      return undefined;
    });
  }, options.afterMs);
  try {
    return await work();
  } finally {
    options.timers.clearTimeout(timer);
    const posted = note ? await note : undefined;
    if (posted) await options.remove(posted.id).catch(options.onError);
  }
}
