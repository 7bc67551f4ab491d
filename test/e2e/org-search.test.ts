import type { Person } from '../../src/webex/types';
import { seedRecording } from './fixtures';
import { addComplianceOfficer, allTextOf, cardOf, connectPerson, createWorld, nextBotMessage, startBotProcess, type BotProcess, type World } from './harness';

const DAY = 24 * 3600_000;

/** `recordings owner:<email>`, `recordings deleted` and `recordings topic:<words>` end to end. */
describe('organisation search and list filters (e2e)', () => {
  let world: World;
  let bot: BotProcess;
  let carla: Person;
  let carlaDirect: string;
  let adam: Person;
  let adamDirect: string;

  beforeAll(async () => {
    world = await createWorld();
    ({ carla, carlaDirect } = addComplianceOfficer(world));
    adam = world.emulator.addPerson({ email: 'adam@example.com', displayName: 'Adam Admin', role: 'admin', timezone: 'Europe/Paris' });
    adamDirect = world.emulator.createDirectRoom(adam.id, world.botPerson.id).id;
    const now = Date.now();
    const add = (id: string, topic: string, daysAgo: number, extra: Record<string, unknown> = {}) => {
      const at = new Date(now - daysAgo * DAY).toISOString();
      world.emulator.addRecording(seedRecording({ id, topic, timeRecorded: at, createTime: at, ownerId: world.alice.id, ownerEmail: 'alice@example.com', ...extra }));
    };
    add('alice-budget', 'Budget review with finance', 1);
    add('alice-sync', 'Weekly sync', 2);
    add('alice-binned', 'Old supplier call', 3, { status: 'deleted' });
    add('alice-old', 'Kick-off from last quarter', 45);
    world.emulator.addRecording(seedRecording({ id: 'bob-budget', topic: 'Budget of the Paris office', timeRecorded: new Date(now - DAY).toISOString(), createTime: new Date(now - DAY).toISOString(), ownerId: world.bob.id, ownerEmail: 'bob@example.com' }));
    bot = await startBotProcess(world.emulator, world.botToken, { COMMANDS_PER_MINUTE: '100' });
    await connectPerson(world, world.alice, world.aliceDirect);
    await connectPerson(world, world.bob, world.bobDirect);
    await connectPerson(world, carla, carlaDirect);
    await connectPerson(world, adam, adamDirect);
  });

  afterAll(async () => {
    await bot?.stop();
    await world?.emulator.close();
  });

  const ask = async (as: Person, roomId: string, text: string) => {
    const reply = nextBotMessage(world, roomId, (m) => !(m.markdown ?? '').startsWith('Looking up recording'));
    world.emulator.say({ as: as.id, roomId, text });
    return reply;
  };
  const adminCalls = () => world.emulator.calls.filter((c) => c.path.startsWith('/v1/admin/convergedRecordings'));

  it('an admin lists someone\'s recordings from the organisation\'s list, with the admin\'s own token', async () => {
    const before = adminCalls().length;
    const message = await ask(adam, adamDirect, 'recordings owner:alice@example.com 30d');
    const text = allTextOf(message);
    expect(cardOf(message)).toBeDefined();
    expect(text).toContain('Recordings in your organisation');
    expect(text).toContain('Budget review with finance');
    expect(text).toContain('Weekly sync');
    expect(text).not.toContain('Old supplier call');
    expect(text).not.toContain('Kick-off from last quarter');
    expect(text).not.toContain('Budget of the Paris office');
    const calls = adminCalls().slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.caller.personId).toBe(adam.id);
    expect(calls[0]!.path).toContain('ownerEmail=alice%40example.com');
    const query = new URLSearchParams(calls[0]!.path.split('?')[1]);
    expect(Date.parse(query.get('to')!) - Date.parse(query.get('from')!)).toBeLessThanOrEqual(30 * DAY);
  });

  it('a compliance officer searches someone\'s recycle bin', async () => {
    const text = allTextOf(await ask(carla, carlaDirect, 'recordings owner:alice@example.com deleted'));
    expect(text).toContain('Old supplier call');
    expect(text).not.toContain('Weekly sync');
    expect(adminCalls().at(-1)!.caller.personId).toBe(carla.id);
    expect(adminCalls().at(-1)!.path).toContain('status=deleted');
  });

  it('a regular person is told it needs admin or compliance access, and nothing is asked of Webex', async () => {
    const before = world.emulator.calls.length;
    const text = allTextOf(await ask(world.bob, world.bobDirect, 'recordings owner:alice@example.com'));
    expect(text).toContain('needs admin or compliance access');
    expect(text).not.toContain('Budget review');
    expect(world.emulator.calls.slice(before).filter((c) => c.path.includes('convergedRecordings'))).toEqual([]);
  });

  it('a window over 30 days for an owner search is explained, not sent', async () => {
    const before = adminCalls().length;
    expect(allTextOf(await ask(adam, adamDirect, 'recordings owner:alice@example.com 60d'))).toContain('30 days');
    expect(adminCalls().length).toBe(before);
  });

  it('`recordings deleted` lists the person\'s own recycle bin', async () => {
    const text = allTextOf(await ask(world.alice, world.aliceDirect, 'recordings deleted'));
    expect(text).toContain('Old supplier call');
    expect(text).toContain('recycle bin');
    expect(text).not.toContain('Weekly sync');
  });

  it('`recordings topic:<words>` keeps the matching topics', async () => {
    const text = allTextOf(await ask(world.alice, world.aliceDirect, 'recordings topic:budget'));
    expect(text).toContain('Budget review with finance');
    expect(text).not.toContain('Weekly sync');
    expect(text).not.toContain('Budget of the Paris office');
    const call = world.emulator.calls.filter((c) => c.path.startsWith('/v1/convergedRecordings?')).at(-1)!;
    expect(call.path).toContain('topic=budget');
  });

  it('the help card lists the new filters', async () => {
    const text = allTextOf(await ask(world.alice, world.aliceDirect, 'help'));
    expect(text).toContain('recordings owner:<email>');
    expect(text).toContain('recordings deleted');
    expect(text).toContain('topic:<words>');
  });
});
