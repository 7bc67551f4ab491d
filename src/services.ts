import type { SignIn } from './auth/signin';
import type { TokenProvider } from './auth/tokens';
import type { Logger } from './log';
import type { Notifications } from './notifications/types';
import type { Store } from './store/types';
import type { CallPartyCache } from './webex/call-party';
import type { WebexClient } from './webex/client';
import type { ProgressTimers } from './replies/progress';
import type { Outcome } from './outcomes';
import type { Messenger } from './replies/messenger';
import type { Clock } from './clock';

/** Everything a command handler may use. Built once in the composition root. */
export interface Services {
  readonly store: Store;
  readonly client: WebexClient;
  readonly tokens: TokenProvider;
  readonly signIn: SignIn;
  readonly messenger: Messenger;
  readonly logger: Logger;
  readonly now: Clock;
  readonly settings: {
    readonly defaultTimezone: string;
    readonly groupLinks: 'private' | 'public';
    readonly allowedEmailDomains: readonly string[];
    readonly commandsPerMinute: number;
    readonly scopes: readonly string[];
  };
  /** The bot's display name once started, for examples such as "@RecBot recording <id>". */
  readonly botName: () => string | undefined;
  /** When and with which timers a slow answer gets its progress note; default 1.5 s, real timers. */
  readonly progress?: { readonly afterMs: number; readonly timers: ProgressTimers };
  /** New-recording notifications (`notify`); absent when not wired (e.g. in unit tests). */
  readonly notifications?: Notifications;
  /** Who recordings' calls were with, and their display names; one cache per bot when absent. */
  readonly callParties?: CallPartyCache;
  /** Counts one handled command or click by outcome (metrics). */
  readonly recordOutcome: (command: string, outcome: Outcome, seconds: number) => void;
}
