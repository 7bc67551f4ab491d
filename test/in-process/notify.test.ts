/**
 * `notify` as the person reads it, in-process: the bot's real inbox and notifications (webhook
 * mode) against the emulator. The deliveries themselves (signatures, duplicates, restarts) are
 * the wire's, tested end to end in test/e2e/notify*.test.ts.
 */
import { createInProcessWorld, RECORDING_WEBHOOK_URL, textOf, type InProcessWorld } from '../support/in-process-world';

describe('notify (in-process)', () => {
  let w: InProcessWorld;

  beforeAll(async () => {
    w = await createInProcessWorld({ notifications: true });
    await w.signIn(w.alice);
  });

  afterAll(async () => {
    await w?.close();
  });

  const recordingHooks = () => w.emulator.webhooksOf(w.alice.id).filter((hook) => hook.resource === 'convergedRecordings');

  it('`notify on` says where new recordings go and registers one webhook with the person\'s own token, once', async () => {
    expect(textOf(await w.say(w.alice, 'notify on'))).toContain('by direct message');
    expect(recordingHooks()).toEqual([expect.objectContaining({ event: 'created', createdBy: w.alice.id, targetUrl: RECORDING_WEBHOOK_URL })]);
    await w.say(w.alice, 'notify on');
    expect(recordingHooks()).toHaveLength(1);
    expect(textOf(await w.say(w.alice, 'notify'))).toContain('**on**, sent to you by direct message');
    expect(textOf(await w.say(w.alice, 'whoami'))).toContain('New-recording notifications: **on**');
  });

  it('`notify here` in a group space: announced in that space; `notify off here` takes the space off, confirmed there', async () => {
    const here = await w.say(w.alice, 'notify here', 'team-space');
    expect(textOf(here)).toContain('announced in this space');
    const off = await w.say(w.alice, 'notify off here', 'team-space');
    expect(textOf(off)).toContain('no longer announced in this space');
    expect(off.some((p) => 'roomId' in p.to && p.to.roomId === 'team-space')).toBe(true);
  });

  it('`notify off` deletes the webhook with the person\'s token and says so', async () => {
    const [hook] = recordingHooks();
    const posted = await w.say(w.alice, 'notify off');
    expect(textOf(posted)).toContain('no more new-recording notifications');
    expect(recordingHooks()).toEqual([]);
    const deleted = w.emulator.calls.filter((c) => c.method === 'DELETE' && c.path === `/v1/webhooks/${hook!.id}`);
    expect(deleted.map((c) => c.caller.personId)).toEqual([w.alice.id]);
  });

  it('`notify on` before sign-in asks the person to sign in first', async () => {
    const text = textOf(await w.say(w.bob, 'notify on'));
    expect(text).toMatch(/sign in|connect/i);
    expect(w.emulator.webhooksOf(w.bob.id)).toEqual([]);
  });
});
