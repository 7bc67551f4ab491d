import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { Person } from '../../src/webex/types';
import { seedRecording } from './fixtures';
import { allTextOf, connectPerson, createWorld, freePort, startBotProcess, type BotProcess, type World } from './harness';
import { startLoadBalancer, type LoadBalancer } from './load-balancer';
import { createTestDatabase, ReplyTracker, runBounded, waitUntil } from './scale-traffic';
import { DEADLINE_MS } from '../support/waiting';

/**
 * Several instances: two bots on one Postgres behind one URL (a round-robin
 * proxy), 500 commands spread over both, 5 % of webhooks delivered twice, and one person's
 * access token expiring mid-run.
 *
 * Commands are @mentions in a group space, so every reply is threaded under the command
 * (`parentId`): each command maps to exactly its replies. The group space is unknown to both
 * instances when the load starts; a lost first event would show as a missing reply.
 */
describe('two instances on one Postgres behind one URL (e2e)', () => {
  const COMMANDS = 500;
  const CONCURRENCY = 50;
  let world: World;
  let db: { url: string; drop(): Promise<void> };
  let lb: LoadBalancer;
  let bots: BotProcess[] = [];
  let people: Person[];
  let directs: string[];
  let team: string;

  const topicOf = (person: number, k: number) => `Scale topic ${person}-${k}`;
  const recordingIdOf = (person: number, k: number) => `scale-rec-${person}-${k}`;

  beforeAll(async () => {
    db = await createTestDatabase();
    world = await createWorld();
    const carla = world.emulator.addPerson({ email: 'carla@example.com', displayName: 'Carla Third', timezone: 'America/New_York' });
    const dave = world.emulator.addPerson({ email: 'dave@example.com', displayName: 'Dave Fourth', timezone: 'UTC' });
    people = [world.alice, world.bob, carla, dave];
    directs = [world.aliceDirect, world.bobDirect, ...[carla, dave].map((p) => world.emulator.createDirectRoom(p.id, world.botPerson.id).id)];
    team = world.emulator.createGroupRoom('Scale space', [...people.map((p) => p.id), world.botPerson.id]).id;
    people.forEach((p, i) => {
      for (let k = 0; k < 5; k++) {
        world.emulator.addRecording(seedRecording({ id: recordingIdOf(i, k), topic: topicOf(i, k), ownerId: p.id, ownerEmail: p.emails[0]! }));
      }
    });

    lb = await startLoadBalancer();
    const ports = [await freePort(), await freePort()];
    lb.targets = ports.map((p) => `http://127.0.0.1:${p}`);
    const env = {
      PUBLIC_URL: lb.url,
      DATABASE_URL: db.url,
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      COMMANDS_PER_MINUTE: '0',
    };
    // Both start at the same moment, as in a deployment. The harness waits for /readyz through
    // the proxy; each instance's own /readyz is checked below.
    bots = await Promise.all(ports.map((port) => startBotProcess(world.emulator, world.botToken, { ...env, PORT: String(port) })));
    for (const bot of bots) {
      const deadline = Date.now() + DEADLINE_MS;
      while ((await fetch(`http://127.0.0.1:${bot.port}/readyz`).then((r) => r.status, () => 0)) !== 200) {
        if (Date.now() > deadline) throw new Error('an instance never became ready');
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  });

  afterAll(async () => {
    await Promise.all(bots.map((b) => b.stop()));
    await lb?.close();
    await world?.emulator.close();
    await db?.drop();
  });

  /** The sign-in card is asked for on one instance, the consent callback lands on the other. */
  async function connectAcross(person: number, startOn: number, finishOn: number): Promise<void> {
    lb.pin(startOn);
    await connectPerson(world, people[person]!, directs[person]!, {
      afterCard: async () => {
        await world.emulator.idle();
        lb.pin(finishOn);
      },
      afterConnected: () => world.emulator.idle(),
    });
    lb.pin(null);
  }

  it('registers one webhook per resource for the shared URL, even when both instances start together', async () => {
    const answer = await fetch(`${world.emulator.apiUrl}/webhooks`, { headers: { authorization: `Bearer ${world.botToken}` } });
    const hooks = ((await answer.json()) as { items: Array<{ targetUrl: string; resource: string; event: string }> }).items;
    const ours = hooks.filter((h) => h.targetUrl === `${lb.url}/webhooks/webex`);
    expect(ours.map((h) => `${h.resource}/${h.event}`).sort()).toEqual(['all/all', 'attachmentActions/created']);
  });

  it('shares sign-in state: a sign-in started on one instance finishes on the other', async () => {
    await connectAcross(0, 0, 1);
    await connectAcross(1, 1, 0);
    await connectAcross(2, 0, 1);
    await connectAcross(3, 1, 0);
    for (const p of people) expect(world.emulator.tokenStats(p.id).codeGrants).toBe(1);
  });

  it('answers 500 commands spread over both exactly once, with duplicates and an expiring token', async () => {
    const tracker = new ReplyTracker(world.emulator, world.botPerson.id);
    world.emulator.setDuplicateDeliveryRate(0.05);
    const sent: Array<{ id: string; person: number; k: number }> = [];
    let answered = 0;
    const alice = people[0]!;
    await runBounded(COMMANDS, CONCURRENCY, async (i) => {
      const person = i % people.length;
      const k = Math.floor(i / people.length) % 5;
      if (i === Math.floor(COMMANDS * 0.4)) world.emulator.expireAccessTokens(alice.id);
      const asked = world.emulator.say({ as: people[person]!.id, roomId: team, text: `recording ${recordingIdOf(person, k)}`, mentionBot: true });
      sent.push({ id: asked.id, person, k });
      await tracker.first(asked.id);
      answered++;
    });
    expect(answered).toBe(COMMANDS);

    // Let late copies and anything still in flight land before counting: every delivery
    // attempted, and both instances' metrics agreeing that 500 recording commands ran.
    await world.emulator.idle();
    const recordingCommands = async () => {
      let total = 0;
      for (const bot of bots) {
        const text = await (await fetch(`http://127.0.0.1:${bot.port}/metrics`)).text();
        for (const line of text.split('\n')) {
          const m = /^recbot_commands_total\{command="recording",outcome="([^"]+)"\} (\d+)/.exec(line);
          if (m) total += Number(m[2]);
        }
      }
      return total;
    };
    const deadline = Date.now() + DEADLINE_MS;
    while ((await recordingCommands()) < COMMANDS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    // A question asked after all of them is answered before counting: a late copy would be handled by then.
    const marker = world.emulator.say({ as: alice.id, roomId: team, text: 'help', mentionBot: true });
    await tracker.first(marker.id);
    await world.emulator.idle();
    expect(await recordingCommands()).toBe(COMMANDS);
    tracker.stop();

    const duplicates = world.emulator.deliveries.filter((d) => d.duplicate);
    expect(duplicates.length).toBeGreaterThan(10);
    expect(world.emulator.deliveries.every((d) => d.status === 200)).toBe(true);
    expect(lb.forwarded[0]).toBeGreaterThan(COMMANDS / 2);
    expect(lb.forwarded[1]).toBeGreaterThan(COMMANDS / 2);

    const wrong: string[] = [];
    for (const { id, person, k } of sent) {
      const replies = tracker.replies(id);
      if (replies.length !== 1) wrong.push(`${id}: ${replies.length} replies`);
      else if (!allTextOf(replies[0]!).includes(topicOf(person, k))) wrong.push(`${id}: ${replies[0]!.markdown}`);
    }
    expect(wrong).toEqual([]);
    const botMessagesInTeam = world.emulator.messages(team).filter((m) => m.personId === world.botPerson.id);
    expect(botMessagesInTeam).toHaveLength(COMMANDS + 1); // and the marker's answer
    // The room type comes with each event: no instance reads the space.
    expect(world.emulator.calls.filter((c) => c.method === 'GET' && c.path === `/v1/rooms/${team}`)).toHaveLength(0);

    // The expired token was refreshed exactly once, across both instances; nobody else's was.
    expect(world.emulator.tokenStats(alice.id).refreshGrants).toBe(1);
    for (const p of people.slice(1)) expect(world.emulator.tokenStats(p.id).refreshGrants).toBe(0);
    const refreshLogs = bots.flatMap((b) => b.logs()).filter((l) => l.msg === 'access token refreshed');
    expect(refreshLogs).toHaveLength(1);
  });

  it('spends nothing on the events of its own replies: no inbox row, no fetch', async () => {
    const own = new Set(world.emulator.botMessages().map((m) => m.id));
    expect(own.size).toBeGreaterThanOrEqual(COMMANDS);
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ event_key: string }>('SELECT event_key FROM inbox_events');
      expect(rows.length).toBeGreaterThanOrEqual(COMMANDS);
      expect(rows.filter((r) => own.has(r.event_key.split(':').pop()!))).toEqual([]);
    } finally {
      await client.end();
    }
    const fetchedOwn = world.emulator.calls.filter((c) => c.method === 'GET' && c.path.startsWith('/v1/messages/') && own.has(c.path.slice('/v1/messages/'.length)));
    expect(fetchedOwn).toEqual([]);
  });
});
