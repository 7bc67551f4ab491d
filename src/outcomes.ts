/**
 * What handling a command or a card click came to: the `outcome` label of
 * `recbot_commands_total` in `/metrics` (README, "Deploying"), one closed list.
 */

/** What a handler returns. */
export type HandlerOutcome =
  /** Answered as asked. */
  | 'ok'
  /** A list with nothing in it. */
  | 'empty'
  /** A recording with no notes or action items for the clicker. */
  | 'none'
  /** Arguments or card inputs the bot could not use. */
  | 'invalid'
  /** Text that is no command (the help card or a pointer to it). */
  | 'unknown'
  /** Webex, or the bot for Webex's reasons, refused the person's access. */
  | 'refused'
  /** The person needs to sign in first; they got the connect card. */
  | 'not-connected'
  /** The feature is not wired on this bot. */
  | 'unavailable'
  /** Webex failed a list. */
  | 'webex-error'
  /** Webex answered a recording's read with this HTTP status. */
  | `webex-${number}`
  /** Webex did not answer a recording's read (timeout, network). */
  | 'webex-unreachable';

/** Every outcome counted, the dispatcher's own included. */
export type Outcome =
  | HandlerOutcome
  /** The handler threw: the person was told "Something went wrong". */
  | 'error'
  /** The person's email domain is not allowed (ALLOWED_EMAIL_DOMAINS). */
  | 'refused-domain'
  /** Over COMMANDS_PER_MINUTE. */
  | 'rate-limited';
