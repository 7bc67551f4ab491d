/**
 * `recordings owner:<email>`, `recordings deleted` and `recordings topic:<words>` as people read
 * them: the in-process bot against the emulator (test/support/in-process-world.ts).
 */
import { seedRecording } from '../e2e/fixtures';
import { createInProcessWorld, textOf, type InProcessWorld } from '../support/in-process-world';

const DAY = 24 * 3600_000;

describe('organisation search and list filters (in-process)', () => {
  let w: InProcessWorld;

  beforeAll(async () => {
    w = await createInProcessWorld();
    const now = w.clock.now().getTime();
    const add = (id: string, topic: string, daysAgo: number, extra: Record<string, unknown> = {}) => {
      const at = new Date(now - daysAgo * DAY).toISOString();
      w.emulator.addRecording(seedRecording({ id, topic, timeRecorded: at, createTime: at, ownerId: w.alice.id, ownerEmail: 'alice@example.com', ...extra }));
    };
    add('alice-budget', 'Budget review with finance', 1);
    add('alice-sync', 'Weekly sync', 2);
    add('alice-binned', 'Old supplier call', 3, { status: 'deleted' });
    add('alice-old', 'Kick-off from last quarter', 45);
    const yesterday = new Date(now - DAY).toISOString();
    w.emulator.addRecording(seedRecording({ id: 'bob-budget', topic: 'Budget of the Paris office', timeRecorded: yesterday, createTime: yesterday, ownerId: w.bob.id, ownerEmail: 'bob@example.com' }));
    for (const person of [w.alice, w.bob, w.carla, w.adam]) await w.signIn(person);
  });

  afterAll(async () => {
    await w?.close();
  });

  const adminCalls = () => w.emulator.calls.filter((c) => c.path.startsWith('/v1/admin/convergedRecordings'));

  it('an admin lists someone\'s recordings from the organisation\'s list, with the admin\'s own token', async () => {
    const before = adminCalls().length;
    const posted = await w.say(w.adam, 'recordings owner:alice@example.com 30d');
    const text = textOf(posted);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.message.card).toBeDefined();
    expect(text).toContain('Recordings in your organisation');
    expect(text).toContain('Budget review with finance');
    expect(text).toContain('Weekly sync');
    expect(text).not.toContain('Old supplier call');
    expect(text).not.toContain('Kick-off from last quarter');
    expect(text).not.toContain('Budget of the Paris office');
    const calls = adminCalls().slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.caller.personId).toBe(w.adam.id);
    expect(calls[0]!.path).toContain('ownerEmail=alice%40example.com');
    const query = new URLSearchParams(calls[0]!.path.split('?')[1]);
    expect(Date.parse(query.get('to')!) - Date.parse(query.get('from')!)).toBeLessThanOrEqual(30 * DAY);
  });

  it('a compliance officer searches someone\'s recycle bin', async () => {
    const text = textOf(await w.say(w.carla, 'recordings owner:alice@example.com deleted'));
    expect(text).toContain('Old supplier call');
    expect(text).not.toContain('Weekly sync');
    expect(adminCalls().at(-1)!.caller.personId).toBe(w.carla.id);
    expect(adminCalls().at(-1)!.path).toContain('status=deleted');
  });

  it('a regular person is told it needs admin or compliance access, and nothing is asked of Webex', async () => {
    const before = w.emulator.calls.length;
    const text = textOf(await w.say(w.bob, 'recordings owner:alice@example.com'));
    expect(text).toContain('needs admin or compliance access');
    expect(text).not.toContain('Budget review');
    expect(w.emulator.calls.slice(before).filter((c) => c.path.includes('convergedRecordings'))).toEqual([]);
  });

  it('a window over 30 days for an owner search is explained, not sent', async () => {
    const before = adminCalls().length;
    expect(textOf(await w.say(w.adam, 'recordings owner:alice@example.com 60d'))).toContain('30 days');
    expect(adminCalls().length).toBe(before);
  });

  it('`recordings deleted` lists the person\'s own recycle bin', async () => {
    const text = textOf(await w.say(w.alice, 'recordings deleted'));
    expect(text).toContain('Old supplier call');
    expect(text).toContain('recycle bin');
    expect(text).not.toContain('Weekly sync');
  });

  it('`recordings topic:<words>` keeps the matching topics', async () => {
    const text = textOf(await w.say(w.alice, 'recordings topic:budget'));
    expect(text).toContain('Budget review with finance');
    expect(text).not.toContain('Weekly sync');
    expect(text).not.toContain('Budget of the Paris office');
    const call = w.emulator.calls.filter((c) => c.path.startsWith('/v1/convergedRecordings?')).at(-1)!;
    expect(call.path).toContain('topic=budget');
  });

  it('the help card lists the new filters', async () => {
    const text = textOf(await w.say(w.alice, 'help'));
    expect(text).toContain('recordings owner:<email>');
    expect(text).toContain('recordings deleted');
    expect(text).toContain('topic:<words>');
  });
});
