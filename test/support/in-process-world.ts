/**
 * The in-process bot (test/support/in-process-bot.ts) with the Webex emulator as its Webex, both
 * in the test's process and on one test clock: what a person reads is tested without a child
 * process, a port of the bot's or a webhook, against the emulator's documented shapes (recording
 * lists, pages, admin and compliance searches, metadata). Signing in stores the tokens the
 * emulator issued, as the consent flow would (the flow itself is tested end to end once, in
 * test/e2e/account.test.ts).
 */
import { startEmulator, type Emulator, type EmulatorOptions, type PersonRole } from '../../dev/sandbox/emulator';
import { scopeAllowed } from '../../dev/sandbox/emulator/oauth';
import type { Person as WebexPerson } from '../../src/webex/types';
import { createInProcessBot, TestClock, type InProcessBot, type InProcessOptions, type Person, type Posted } from './in-process-bot';

/** Every scope the bot asks for, as in the end-to-end suites. */
export const ALL_SCOPES = ['spark:recordings_read', 'spark:people_read', 'spark-admin:recordings_read', 'spark-compliance:recordings_read'];

export interface InProcessWorld {
  readonly emulator: Emulator;
  readonly bot: InProcessBot;
  readonly clock: TestClock;
  /** Alice (owner, Singapore), Bob (a colleague, Paris), Carla (compliance, New York), Adam (admin, Paris). */
  readonly alice: WebexPerson;
  readonly bob: WebexPerson;
  readonly carla: WebexPerson;
  readonly adam: WebexPerson;
  /** The emulator's person as the bot sees a sender. */
  as(person: WebexPerson): Person;
  /** Stores the tokens the emulator issues to the person, with the scopes their role may be granted, as a completed sign-in does. */
  signIn(person: WebexPerson): Promise<void>;
  /** The person writes to the bot (1:1 unless a group space is given); resolves with what the bot posted. */
  say(person: WebexPerson, text: string, group?: string): Promise<Posted[]>;
  /** The person clicks a button of a card the bot posted; resolves with what the bot posted. */
  click(person: WebexPerson, card: Posted, inputs: Record<string, unknown>, group?: string): Promise<Posted[]>;
  close(): Promise<void>;
}

export async function createInProcessWorld(options: { start?: string; emulator?: EmulatorOptions; bot?: InProcessOptions } = {}): Promise<InProcessWorld> {
  const clock = new TestClock(options.start ?? '2026-03-02T09:00:00Z');
  const emulator = await startEmulator({ ...options.emulator, now: () => clock.now().getTime() });
  const alice = emulator.addPerson({ email: 'alice@example.com', displayName: 'Alice Owner', timezone: 'Asia/Singapore' });
  const bob = emulator.addPerson({ email: 'bob@example.com', displayName: 'Bob Colleague', timezone: 'Europe/Paris' });
  const carla = emulator.addPerson({ email: 'carla@example.com', displayName: 'Carla Compliance', role: 'compliance', timezone: 'America/New_York' });
  const adam = emulator.addPerson({ email: 'adam@example.com', displayName: 'Adam Admin', role: 'admin', timezone: 'Europe/Paris' });
  const bot = await createInProcessBot({
    ...options.bot,
    clock,
    webexApiUrl: emulator.apiUrl,
    settings: { scopes: ALL_SCOPES, commandsPerMinute: 0, ...options.bot?.settings },
  });
  const roles = new Map<string, PersonRole>([
    [carla.id, 'compliance'],
    [adam.id, 'admin'],
  ]);
  const as = (person: WebexPerson): Person => ({ personId: person.id, personEmail: person.emails[0]! });
  const where = (group?: string) => (group ? { roomType: 'group' as const, roomId: group } : {});
  return {
    emulator,
    bot,
    clock,
    alice,
    bob,
    carla,
    adam,
    as,
    async signIn(person) {
      const scopes = ALL_SCOPES.filter((scope) => scopeAllowed(roles.get(person.id) ?? 'user', scope));
      const issued = emulator.issueToken(person.id, { scopes });
      await bot.connect(as(person), scopes, issued);
    },
    say: (person, text, group) => bot.say(text, { as: as(person), ...where(group) }),
    click: (person, card, inputs, group) => bot.click(card.id, inputs, { as: as(person), ...where(group) }),
    async close() {
      await bot.close();
      await emulator.close();
    },
  };
}

/** All text of what the bot posted: markdown and card JSON. */
export function textOf(posted: Posted[] | Posted): string {
  return (Array.isArray(posted) ? posted : [posted]).map((p) => `${p.message.markdown}\n${JSON.stringify(p.message.card ?? {})}`).join('\n');
}
