/**
 * The bot's one clock type: the current instant. The composition root (app.ts) passes
 * `() => new Date()`; tests pass a clock they set and move. Code that needs milliseconds reads
 * `now().getTime()`.
 */
export type Clock = () => Date;

/** The real clock. */
export const systemClock: Clock = () => new Date();
