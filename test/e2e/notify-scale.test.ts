import { randomBytes } from 'node:crypto';
import { DEADLINE_MS } from '../support/waiting';
import type { Message, Person } from '../../src/webex/types';
import { connectPerson, createWorld, freePort, nextBotMessage, startBotProcess, type BotProcess, type World } from './harness';
import { startLoadBalancer, type LoadBalancer } from './load-balancer';
import { createTestDatabase, runBounded, waitUntil } from './scale-traffic';

/**
 * 200 people with `notify on`, two instances on one Postgres behind one URL, and 1,000 new
 * recordings in waves of 50 (a tenth of the deliveries sent twice): each recording is
 * announced to its owner exactly once.
 */
describe('new-recording notifications at scale (e2e)', () => {
  const PEOPLE = 200;
  const RECORDINGS = 1000;
  let world: World;
  let db: { url: string; drop(): Promise<void> };
  let lb: LoadBalancer;
  let bots: BotProcess[] = [];
  const people: Person[] = [];
  const directs: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('recbot_notify');
    world = await createWorld();
    for (let i = 0; i < PEOPLE; i++) {
      const person = world.emulator.addPerson({ email: `person${i}@example.com`, displayName: `Person ${i}`, timezone: 'Europe/Paris' });
      people.push(person);
      directs.push(world.emulator.createDirectRoom(person.id, world.botPerson.id).id);
    }
    lb = await startLoadBalancer();
    const ports = [await freePort(), await freePort()];
    lb.targets = ports.map((p) => `http://127.0.0.1:${p}`);
    const env = { PUBLIC_URL: lb.url, DATABASE_URL: db.url, TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'), COMMANDS_PER_MINUTE: '0', LOG_LEVEL: 'warn' };
    bots = await Promise.all(ports.map((port) => startBotProcess(world.emulator, world.botToken, { ...env, PORT: String(port) })));
  });

  afterAll(async () => {
    await Promise.all(bots.map((b) => b.stop()));
    await lb?.close();
    await world?.emulator.close();
    await db?.drop();
  });

  it('200 people opt in: one webhook each, registered with their own token', async () => {
    await runBounded(PEOPLE, 10, async (i) => {
      const person = people[i]!;
      const room = directs[i]!;
      await connectPerson(world, person, room);
      const done = nextBotMessage(world, room, (m) => (m.markdown ?? '').includes('by direct message'), 60_000);
      world.emulator.say({ as: person.id, roomId: room, text: 'notify on' });
      await done;
    });
    for (const person of people) {
      const hooks = world.emulator.webhooksOf(person.id).filter((w) => w.resource === 'convergedRecordings');
      expect(hooks.map((w) => w.createdBy)).toEqual([person.id]);
    }
  }, 240_000);

  it('1,000 recordings in waves of 50, a tenth delivered twice: each announced exactly once', async () => {
    const seen = new Map<number, Message[]>();
    const listener = (m: Message) => {
      if (m.personId !== world.botPerson.id) return;
      const match = /Scale call (\d+)\b/.exec(m.markdown ?? '');
      if (!match) return;
      const n = Number(match[1]);
      seen.set(n, [...(seen.get(n) ?? []), m]);
    };
    world.emulator.events.on('message', listener);
    world.emulator.setDuplicateDeliveryRate(0.1);
    try {
      for (let i = 0; i < RECORDINGS; i++) {
        world.emulator.newRecording({ owner: people[i % PEOPLE]!.id, topic: `Scale call ${i}` });
        // In waves of 50: the next wave once Webex has delivered the last (its pace, not a clock's).
        if (i % 50 === 49) await world.emulator.idle();
      }
      const problems = () => bots.flatMap((b) => b.lines.filter((l) => /"level":(40|50)/.test(l))).slice(-8).join('\n');
      const missing = () => Array.from({ length: RECORDINGS }, (_, i) => i).filter((i) => !seen.has(i)).slice(0, 10).map((i) => `${i} (person ${i % PEOPLE})`);
      await waitUntil(() => seen.size === RECORDINGS, 2 * DEADLINE_MS, () => `${seen.size}/${RECORDINGS} announced; missing ${missing().join(', ')}; last problems:\n${problems()}`);
      world.emulator.setDuplicateDeliveryRate(0);
      await world.emulator.idle();
      // A last recording as the marker: once its card is here, every duplicate had its chance.
      const marker = nextBotMessage(world, directs[0]!, (m) => (m.markdown ?? '').includes('Scale marker'));
      world.emulator.newRecording({ owner: people[0]!.id, topic: 'Scale marker' });
      await marker;
    } finally {
      world.emulator.events.off('message', listener);
      world.emulator.setDuplicateDeliveryRate(0);
    }
    const duplicated = world.emulator.deliveries.filter((d) => d.resource === 'convergedRecordings' && d.duplicate).length;
    expect(duplicated).toBeGreaterThan(20);
    // A card posted twice names its cause: a POST whose answer the bot never had (it gave up
    // waiting; status 0 in the call log) and that Webex carried out after the retry had looked
    // for it in the space. Webex has no idempotency key for POST /messages, so the bot's look
    // before posting again is all it can do; on a CPU-starved test machine the emulator (in this
    // process) can answer later than the bot's 10 s timeout.
    const twice = [...seen.entries()].filter(([, messages]) => messages.length > 1).map(([i]) => i);
    const unanswered = world.emulator.calls.filter((c) => c.method === 'POST' && c.path === '/v1/messages' && c.caller.personId === world.botPerson.id && c.status === 0).length;
    expect({ twice, unanswered }).toEqual({ twice: [], unanswered });
    for (let i = 0; i < RECORDINGS; i++) {
      const messages = seen.get(i) ?? [];
      expect({ i, count: messages.length }).toEqual({ i, count: 1 });
      expect(messages[0]!.roomId).toBe(directs[i % PEOPLE]);
    }
  }, 360_000);
});
