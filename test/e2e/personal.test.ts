import type { Message, Person } from '../../src/webex/types';
import { escapeMarkdown } from '../../src/format';
import { seedRecording } from './fixtures';
import { allTextOf, cardOf, connectPerson, createWorld, nextBotMessage, openUrlsOf, sleep, startBotProcess, TRANSPORTS, submitDataOf, type BotProcess, type World } from './harness';
import { DEADLINE_MS } from '../support/waiting';

const HOUR = 3600_000;
const SECRET_TOPIC = 'Board preparation (confidential)';

/**
 * Answers about the person themselves, and the sentences and buttons they meet: in a group space
 * `recordings`, `whoami`, `timezone` and `connect` leave only a one-line note in the thread (no
 * email, no topic, no scope, no zone) and answer by direct message.
 */
describe.each(TRANSPORTS)('personal answers, wording and buttons (e2e, %s mode)', (transport) => {
  let world: World;
  let bot: BotProcess;
  let adam: Person;
  let adamDirect: string;
  let dave: Person;
  let daveDirect: string;

  beforeAll(async () => {
    world = await createWorld();
    adam = world.emulator.addPerson({ email: 'adam@example.com', displayName: 'Adam Admin', role: 'admin', timezone: 'Europe/Paris' });
    adamDirect = world.emulator.createDirectRoom(adam.id, world.botPerson.id).id;
    dave = world.emulator.addPerson({ email: 'dave@example.com', displayName: 'Dave New', timezone: 'Asia/Tokyo' });
    daveDirect = world.emulator.createDirectRoom(dave.id, world.botPerson.id).id;
    world.emulator.addMember(world.group, adam.id);
    const recorded = new Date(Date.now() - 2 * HOUR).toISOString();
    world.emulator.addRecording(seedRecording({ id: 'board-prep-1', topic: SECRET_TOPIC, timeRecorded: recorded, createTime: recorded, ownerId: world.alice.id, ownerEmail: 'alice@example.com' }));
    world.emulator.addRecording(seedRecording({ id: 'no-download-1', topic: 'Locked review', timeRecorded: recorded, createTime: recorded, ownerId: world.alice.id, ownerEmail: 'alice@example.com', preventDownload: true }));
    bot = await startBotProcess(world.emulator, world.botToken, { COMMANDS_PER_MINUTE: '100' }, { transport });
    await connectPerson(world, world.alice, world.aliceDirect);
    await connectPerson(world, adam, adamDirect);
  });

  afterAll(async () => {
    await bot?.stop();
    await world?.emulator.close();
  });

  /** Says `text` to the bot in the group; resolves once the DM and then the note have arrived. */
  async function askInGroup(person: Person, direct: string, text: string, dmMatches: (m: Message) => boolean = () => true): Promise<{ dm: Message; groupMessages: Message[] }> {
    const before = new Set(world.emulator.messages(world.group).map((m) => m.id));
    const dm = nextBotMessage(world, direct, dmMatches);
    const note = nextBotMessage(world, world.group);
    world.emulator.say({ as: person.id, roomId: world.group, text, mentionBot: true });
    const answer = await dm;
    await note;
    return { dm: answer, groupMessages: world.emulator.messages(world.group).filter((m) => !before.has(m.id) && m.personId === world.botPerson.id) };
  }

  function expectNothingPersonal(messages: Message[], personal: string[]): void {
    expect(messages).toHaveLength(1);
    const text = allTextOf(messages[0]!);
    expect(messages[0]!.attachments ?? []).toEqual([]);
    for (const value of personal) {
      expect(text).not.toContain(value);
      expect(text).not.toContain(escapeMarkdown(value));
    }
    expect(text).not.toMatch(/recordings_read|@example|Board preparation/);
  }

  describe('in a group space', () => {
    it('recordings: the list by DM, only a note in the space', async () => {
      const { dm, groupMessages } = await askInGroup(world.alice, world.aliceDirect, 'recordings', (m) => Boolean(m.attachments?.length));
      expect(allTextOf(dm)).toContain(SECRET_TOPIC);
      expect(submitDataOf(cardOf(dm)).some((d) => d.action === 'details')).toBe(true);
      expectNothingPersonal(groupMessages, [SECRET_TOPIC, 'alice@example.com']);
      expect(groupMessages[0]!.markdown).toMatch(/direct message/);
    });

    it('whoami: email and scopes by DM, only a note in the space', async () => {
      const { dm, groupMessages } = await askInGroup(world.alice, world.aliceDirect, 'whoami');
      expect(dm.markdown).toContain(escapeMarkdown('alice@example.com'));
      expect(dm.markdown).toContain('spark:recordings_read');
      expectNothingPersonal(groupMessages, ['alice@example.com', 'Asia/Singapore', 'spark:']);
    });

    it('timezone: set and shown by DM, the zone never in the space', async () => {
      const set = await askInGroup(world.alice, world.aliceDirect, 'timezone Europe/Berlin');
      expect(set.dm.markdown).toContain('Europe/Berlin');
      expectNothingPersonal(set.groupMessages, ['Europe/Berlin']);
      const shown = await askInGroup(world.alice, world.aliceDirect, 'timezone');
      expect(shown.dm.markdown).toContain('Europe/Berlin');
      expectNothingPersonal(shown.groupMessages, ['Europe/Berlin']);
      const cleared = await askInGroup(world.alice, world.aliceDirect, 'timezone auto');
      expect(cleared.dm.markdown).toContain('Asia/Singapore');
      expectNothingPersonal(cleared.groupMessages, ['Asia/Singapore', 'Europe/Berlin']);
    });

    it('notify: the state by DM, only a note in the space; notify off here confirms in the space, the rest by DM', async () => {
      const on = nextBotMessage(world, world.aliceDirect);
      world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: 'notify on' });
      await on;
      const state = await askInGroup(world.alice, world.aliceDirect, 'notify');
      expect(state.dm.markdown).toContain('**on**, sent to you by direct message');
      expectNothingPersonal(state.groupMessages, ['notifications', 'direct message;']);
      expect(state.groupMessages[0]!.markdown).not.toMatch(/\*\*on\*\*|\*\*off\*\*/);

      const here = nextBotMessage(world, world.group);
      world.emulator.say({ as: world.alice.id, roomId: world.group, text: 'notify here', mentionBot: true });
      await here;
      const off = await askInGroup(world.alice, world.aliceDirect, 'notify off here');
      expect(off.groupMessages[0]!.markdown).toBe('Done: your new recordings are no longer announced in this space.');
      expect(off.dm.markdown).toContain('**on**, sent to you by direct message');
    });

    it('connect when connected: "You\'re connected as …" by DM; the space is not told to sign in first', async () => {
      const { dm, groupMessages } = await askInGroup(world.alice, world.aliceDirect, 'connect', (m) => Boolean(m.attachments?.length));
      expect(allTextOf(dm)).toContain("You're connected as alice@example.com");
      expect(openUrlsOf(cardOf(dm)).some((u) => u.includes('/authorize'))).toBe(true);
      expectNothingPersonal(groupMessages, ['alice@example.com']);
      expect(groupMessages[0]!.markdown).not.toMatch(/first/);
    });
  });

  describe('sentences', () => {
    async function ask(person: Person, roomId: string, text: string): Promise<Message> {
      const reply = nextBotMessage(world, roomId);
      world.emulator.say({ as: person.id, roomId, text });
      return reply;
    }

    it('whoami before sign-in says why the zone is UTC, in one sentence that reads', async () => {
      const me = await ask(dave, daveDirect, 'whoami');
      expect(me.markdown).not.toMatch(/from no time zone/);
      expect(me.markdown).toContain("Time zone: **UTC** until you connect (then I use your Webex profile's zone).");
    });

    it('timezone auto before sign-in reads as a sentence', async () => {
      const reply = await ask(dave, daveDirect, 'timezone auto');
      expect(reply.markdown).not.toMatch(/from no time zone/);
      expect(reply.markdown).toContain("until you connect");
    });

    it('timezone Asia/Kathmandu echoes the name given', async () => {
      const reply = await ask(dave, daveDirect, 'timezone Asia/Kathmandu');
      expect(reply.markdown).toContain('**Asia/Kathmandu**');
      expect(reply.markdown).not.toContain('Katmandu');
      const shown = await ask(dave, daveDirect, 'timezone');
      expect(shown.markdown).toContain('Asia/Kathmandu');
    });

    it('timezone set to Europe/Paris does not suggest setting Europe/Paris', async () => {
      await ask(dave, daveDirect, 'timezone Europe/Paris');
      const shown = await ask(dave, daveDirect, 'timezone');
      expect(shown.markdown).toContain('**Europe/Paris**, your own setting');
      expect(shown.markdown).not.toContain('timezone Europe/Paris');
    });

    it('the connect card for a kept request says each sentence once', async () => {
      const card = nextBotMessage(world, daveDirect, (m) => Boolean(m.attachments?.length));
      world.emulator.say({ as: dave.id, roomId: daveDirect, text: 'recording board-prep-1' });
      const text = JSON.stringify(cardOf(await card));
      expect(text.match(/I fetch recordings with your own Webex access/g)).toHaveLength(1);
    });

    it('unrecognised text in 1:1: the help card opens with "I didn\'t understand that"', async () => {
      const reply = await ask(world.alice, world.aliceDirect, 'what can you do for me');
      const body = cardOf(reply).body as Array<{ text?: string }>;
      expect(body[0]!.text).toMatch(/^Sorry, I didn't understand that\./);
    });
  });

  describe('slow answers', () => {
    it('posts "Looking up recording …" when Webex is slow, and deletes it once the card is posted', async () => {
      world.emulator.faults.add({ method: 'GET', path: '/convergedRecordings/board-prep-1', delayMs: 3000, times: 1 });
      const note = nextBotMessage(world, world.aliceDirect, (m) => (m.markdown ?? '').startsWith('Looking up recording'));
      const card = nextBotMessage(world, world.aliceDirect, (m) => Boolean(m.attachments?.length));
      world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: 'recording board-prep-1' });
      const shown = await note;
      expect(shown.markdown).toContain('`board-prep-1`');
      const answer = await card;
      expect(allTextOf(answer)).toContain(SECRET_TOPIC);
      // The note goes once the answer is there: wait for that, within a bound.
      const deadline = Date.now() + DEADLINE_MS;
      while (world.emulator.messages(world.aliceDirect).some((m) => m.id === shown.id) && Date.now() < deadline) await sleep(25);
      expect(world.emulator.messages(world.aliceDirect).some((m) => m.id === shown.id)).toBe(false);
      expect(world.emulator.messages(world.aliceDirect).some((m) => m.id === answer.id)).toBe(true);
    });
  });

  describe('buttons', () => {
    function titles(message: Message): string[] {
      return ((cardOf(message).actions as Array<{ title: string }> | undefined) ?? []).map((a) => a.title);
    }

    it('admin view in 1:1: no "Refresh links", and the line names admin access', async () => {
      const reply = nextBotMessage(world, adamDirect);
      world.emulator.say({ as: adam.id, roomId: adamDirect, text: 'recording board-prep-1' });
      const card = await reply;
      expect(titles(card)).not.toContain('Refresh links');
      expect(allTextOf(card)).toContain('No download links: Webex gives none to admin access.');
      expect(allTextOf(card)).not.toContain('Prevent Downloading');
    });

    it('the owner with Prevent Downloading on: the line says so; in a group no "Send me the download links"', async () => {
      const direct = nextBotMessage(world, world.aliceDirect);
      world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: 'recording no-download-1' });
      const card = await direct;
      expect(allTextOf(card)).toContain('No download links: Prevent Downloading is on for this recording.');
      expect(allTextOf(card)).not.toContain('admin access');
      expect(titles(card)).not.toContain('Refresh links');

      const group = nextBotMessage(world, world.group, (m) => Boolean(m.attachments?.length));
      world.emulator.say({ as: world.alice.id, roomId: world.group, text: 'recording no-download-1', mentionBot: true });
      const groupCard = await group;
      expect(titles(groupCard)).toEqual(['More details']);
      expect(allTextOf(groupCard)).toContain('Prevent Downloading is on for this recording.');
    });

    it('an admin asking in a group is told admin access gets no links; the button stays for others', async () => {
      const group = nextBotMessage(world, world.group, (m) => Boolean(m.attachments?.length));
      world.emulator.say({ as: adam.id, roomId: world.group, text: 'recording board-prep-1', mentionBot: true });
      const card = await group;
      expect(allTextOf(card)).toContain('Webex gives none to admin access');
      expect(titles(card)).toEqual(['Send me the download links', 'More details']);
    });

    it('a group card with links kept private offers "Send me the download links" and no "Refresh links"', async () => {
      const group = nextBotMessage(world, world.group, (m) => Boolean(m.attachments?.length));
      world.emulator.say({ as: world.alice.id, roomId: world.group, text: 'recording board-prep-1', mentionBot: true });
      expect(titles(await group)).toEqual(['Send me the download links', 'More details']);
    });
  });
});
