import type { Services } from '../../src/services';
import { createEventInbox, type EventInbox } from '../../src/inbox';
import { createNotifications, type NotificationSettings, type Notifications } from '../../src/notifications/service';
import type { Store } from '../../src/store/types';
import type { Clock } from '../../src/clock';

/**
 * Notifications on the bot's real durable inbox, without a transport: new-recording events are
 * stored and worked on as in the bot, and `settled()` waits until every attempt has ended.
 */
export function notificationsOnInbox(
  services: Services & { store: Store },
  settings: NotificationSettings,
  now: Clock,
): { notifications: ReturnType<typeof createNotifications>; inbox: EventInbox; settled(): Promise<void> } {
  let notifications: Notifications | undefined;
  const noEvents = {
    isOwnEvent: () => false,
    handle: async () => {
      throw new Error('only recording events reach this inbox');
    },
  };
  const inbox = createEventInbox({
    store: services.store,
    events: noEvents,
    messenger: services.messenger,
    logger: services.logger,
    now,
    started: Promise.resolve(),
    botPersonId: () => 'the-bot',
    onSettled: () => undefined,
    onRecordingEvent: (event, steps) => notifications!.handle(event, steps),
  });
  const built = createNotifications(services, settings, inbox, now);
  notifications = built;
  return {
    notifications: built,
    inbox,
    async settled() {
      if (!(await inbox.drain(10_000))) throw new Error('recording events still running after 10 s');
    },
  };
}
