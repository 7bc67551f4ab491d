/**
 * The websocket catch-up (catch-up.ts) on the emulator: after a gap, the messages addressed to
 * the bot since the checkpoint (less the margin) are put into the inbox, oldest first, in group
 * spaces only those that mention it; the checkpoint only moves forward, and not past an event
 * that could not be stored.
 */
import { startEmulator, type Emulator } from '../../dev/sandbox/emulator';
import { createLogger } from '../../src/log';
import { CATCH_UP_MARGIN_MS, createCatchUp, FIRST_MARK, SEEN_MARK } from '../../src/transport/catch-up';
import type { EventEnvelope } from '../../src/transport/envelope';
import { WebexClient } from '../../src/webex/client';
import { postMessage } from '../../src/webex/messages';
import { until } from '../support/waiting';

class Marks {
  readonly marks = new Map<string, Date>();
  failing = false;
  async getMark(name: string) {
    if (this.failing) throw new Error('database unavailable');
    return this.marks.get(name) ?? null;
  }
  async setMark(name: string, at: Date) {
    if (this.failing) throw new Error('database unavailable');
    const old = this.marks.get(name);
    if (!old || old < at) this.marks.set(name, at);
  }
}

describe('websocket catch-up', () => {
  let emu: Emulator;
  let client: WebexClient;
  let botToken: string;
  let botId: string;
  let alice: { id: string };
  let bob: { id: string };
  const logger = createLogger({ level: 'silent' });

  beforeAll(async () => {
    emu = await startEmulator();
    const bot = emu.createBot({ displayName: 'RecBot', email: 'recbot@webex.bot' });
    botToken = bot.token;
    botId = bot.person.id;
    alice = emu.addPerson({ email: 'alice@example.com', displayName: 'Alice' });
    bob = emu.addPerson({ email: 'bob@example.com', displayName: 'Bob' });
    client = new WebexClient({ baseUrl: emu.apiUrl, logger, sleep: async () => undefined });
  });
  afterAll(async () => {
    await client?.close();
    await emu?.close();
  });

  function catchUpWith(marks: Marks, accepted: EventEnvelope[], connected = () => true) {
    const keys = new Set<string>();
    return createCatchUp({
      client,
      token: botToken,
      botPersonId: botId,
      store: marks,
      accept: async (envelope) => {
        accepted.push(envelope);
        if (keys.has(envelope.data.id)) return false;
        keys.add(envelope.data.id);
        return true;
      },
      connected,
      logger,
      now: () => new Date(),
    });
  }

  it('puts the messages since the checkpoint into the inbox, oldest first; in groups only those mentioning the bot', async () => {
    const direct = emu.createDirectRoom(alice.id, botId).id;
    const group = emu.createGroupRoom('Team', [alice.id, bob.id, botId]).id;
    const marks = new Marks();
    const checkpoint = new Date(Date.now() - 1000);
    marks.marks.set(SEEN_MARK, checkpoint);
    const first = emu.say({ as: alice.id, roomId: direct, text: 'recording one' });
    const second = emu.say({ as: alice.id, roomId: direct, text: 'recording two' });
    await postMessage(client, botToken, { roomId: direct, markdown: 'the bot speaking' });
    emu.say({ as: bob.id, roomId: group, text: 'not for the bot' });
    const mention = emu.say({ as: bob.id, roomId: group, text: 'recording three', mentionBot: true });
    const accepted: EventEnvelope[] = [];
    await catchUpWith(marks, accepted).run('reconnect');
    const ids = accepted.map((e) => e.data.id);
    expect(ids.filter((id) => [first.id, second.id].includes(id))).toEqual([first.id, second.id]);
    expect(ids).toContain(mention.id);
    expect(ids).toHaveLength(3);
    expect(accepted.find((e) => e.data.id === mention.id)).toMatchObject({ resource: 'messages', event: 'created', data: { roomId: group, roomType: 'group', personId: bob.id } });
    // In a group space the bot may list only what mentions it.
    const listed = emu.calls.filter((c) => c.path.startsWith('/v1/messages?') && c.path.includes(encodeURIComponent(group)));
    expect(listed.every((c) => c.path.includes('mentionedPeople=me'))).toBe(true);
    expect(marks.marks.get(SEEN_MARK)!.getTime()).toBeGreaterThan(checkpoint.getTime());
  });

  it('reads from the checkpoint less the margin: an event just before it is read again (the inbox makes it once)', async () => {
    const direct = emu.createDirectRoom(bob.id, botId).id;
    const said = emu.say({ as: bob.id, roomId: direct, text: 'recording margin' });
    const marks = new Marks();
    marks.marks.set(SEEN_MARK, new Date(Date.parse(said.created) + CATCH_UP_MARGIN_MS - 5_000));
    const accepted: EventEnvelope[] = [];
    await catchUpWith(marks, accepted).run('reconnect');
    expect(accepted.map((e) => e.data.id)).toContain(said.id);
  });

  it('with no checkpoint (never connected) reads nothing and sets one', async () => {
    const marks = new Marks();
    const accepted: EventEnvelope[] = [];
    await catchUpWith(marks, accepted).run('start');
    expect(accepted).toEqual([]);
    expect(marks.marks.has(SEEN_MARK)).toBe(true);
  });

  it('a second instance starting just after the first on a new database reads nothing from before the first start', async () => {
    const erin = emu.addPerson({ email: 'erin@example.com', displayName: 'Erin' });
    const direct = emu.createDirectRoom(erin.id, botId).id;
    // Said to an earlier deployment of the bot (another database), a moment before this one started.
    emu.say({ as: erin.id, roomId: direct, text: 'for the old deployment' });
    const marks = new Marks();
    const first: EventEnvelope[] = [];
    const second: EventEnvelope[] = [];
    await catchUpWith(marks, first).run('start');
    await catchUpWith(marks, second).run('start');
    expect(first).toEqual([]);
    expect(second.filter((e) => e.data.roomId === direct)).toEqual([]);
    // What is sent after the first start is read back as before.
    await until(() => Date.now() > marks.marks.get(FIRST_MARK)!.getTime(), 'a millisecond after the first start');
    const after = emu.say({ as: erin.id, roomId: direct, text: 'for this deployment' });
    const third: EventEnvelope[] = [];
    await catchUpWith(marks, third).run('reconnect');
    expect(third.map((e) => e.data.id)).toContain(after.id);
  });

  it('an event that could not be stored keeps the checkpoint before it until a catch-up has read it back', async () => {
    const carol = emu.addPerson({ email: 'carol@example.com', displayName: 'Carol' });
    const direct = emu.createDirectRoom(carol.id, botId).id;
    const marks = new Marks();
    marks.marks.set(SEEN_MARK, new Date(Date.now() - 60 * 60_000));
    const accepted: EventEnvelope[] = [];
    const catchUp = catchUpWith(marks, accepted);
    const said = emu.say({ as: carol.id, roomId: direct, text: 'stored later' });
    marks.failing = true;
    catchUp.missed(new Date(said.created));
    await catchUp.run('event not stored');
    expect(accepted.map((e) => e.data.id)).not.toContain(said.id);
    marks.failing = false;
    await catchUp.run('retry');
    expect(accepted.map((e) => e.data.id)).toContain(said.id);
    await catchUp.stop();
  });

  it('after a miss, the next event stored catches up at once (the store is back); without a miss, storing reads nothing', async () => {
    const dave = emu.addPerson({ email: 'dave@example.com', displayName: 'Dave' });
    const direct = emu.createDirectRoom(dave.id, botId).id;
    const marks = new Marks();
    marks.marks.set(SEEN_MARK, new Date(Date.now() - 60 * 60_000));
    const accepted: EventEnvelope[] = [];
    const catchUp = catchUpWith(marks, accepted);
    const lists = () => emu.calls.filter((c) => c.path.startsWith('/v1/rooms')).length;
    const listsBefore = lists();
    catchUp.stored();
    await catchUp.run('nothing missed').then(() => undefined);
    const listsWithoutMiss = lists() - listsBefore;
    const said = emu.say({ as: dave.id, roomId: direct, text: 'refused with 503' });
    marks.failing = true;
    catchUp.missed(new Date(said.created));
    // The run the miss started fails (the store is away); it is over once run() resolves.
    await catchUp.run('still away');
    expect(accepted.map((e) => e.data.id)).not.toContain(said.id);
    marks.failing = false;
    catchUp.stored();
    await until(() => accepted.some((e) => e.data.id === said.id), 'the refused message read back after stored()');
    expect(listsWithoutMiss).toBe(1);
    await catchUp.stop();
  });

  it('does not move the checkpoint while the socket is closed', async () => {
    const marks = new Marks();
    const before = new Date(Date.now() - 10 * 60_000);
    marks.marks.set(SEEN_MARK, before);
    const accepted: EventEnvelope[] = [];
    const catchUp = catchUpWith(marks, accepted, () => false);
    await catchUp.run('reconnect');
    await catchUp.stop();
    expect(marks.marks.get(SEEN_MARK)).toEqual(before);
  });
});
