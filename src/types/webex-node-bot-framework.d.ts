/** The parts of webex-node-bot-framework 2.3.x the transport uses; the package ships no types. */
declare module 'webex-node-bot-framework' {
  import { EventEmitter } from 'node:events';

  namespace Framework {
    interface FrameworkOptions {
      token: string;
      webhookUrl?: string;
      webhookSecret?: string;
      removeWebhooksOnStart?: boolean;
      maxStartupSpaces?: number;
      messageFormat?: 'text' | 'markdown' | 'html';
    }
    interface WebexPerson {
      id: string;
      emails: string[];
      displayName?: string;
      nickName?: string;
      firstName?: string;
      type?: string;
    }
    interface Bot {
      id: string;
      room: { id: string; type: 'direct' | 'group'; title?: string };
      person: WebexPerson;
    }
    interface Trigger {
      type: 'message' | 'attachmentAction';
      id: string;
      text?: string;
      message?: { id: string; roomId: string; roomType?: string; text?: string; personId: string; personEmail?: string; mentionedPeople?: string[] };
      attachmentAction?: { id: string; messageId: string; inputs?: Record<string, unknown>; personId: string; roomId: string };
      person: WebexPerson;
      personId: string;
    }
    interface WebhookLike {
      id?: string;
      name?: string;
      [key: string]: unknown;
    }
  }

  class Framework extends EventEmitter {
    constructor(options: Framework.FrameworkOptions);
    start(): PromiseLike<boolean>;
    stop(): PromiseLike<boolean>;
    person: Framework.WebexPerson;
    email: string;
    active: boolean;
    bots: Framework.Bot[];
    webhook: Framework.WebhookLike | false;
    // The bundled Webex SDK instance; replaced by start() and stop().
    webex: unknown;
  }
  export = Framework;
}

declare module 'webex-node-bot-framework/webhook' {
  import type Framework = require('webex-node-bot-framework');
  function webhook(framework: Framework): (req: { body: unknown; headers: Record<string, string> }) => PromiseLike<unknown>;
  export = webhook;
}
