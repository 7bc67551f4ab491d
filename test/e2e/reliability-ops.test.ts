import type { Message } from '../../src/webex/types';
import { seedRecording } from './fixtures';
import {
  CLIENT_SECRET, WEBHOOK_SECRET, cardOf, connectPerson, createWorld, nextBotMessage, openUrlsOf, startBotProcess, submitDataOf, type BotProcess, type World,
} from './harness';
import { ReplyTracker, waitUntil } from './scale-traffic';
import { DEADLINE_MS } from '../support/waiting';

/**
 * Operating the bot: the per-person command limit, Prometheus metrics, the audit
 * line per fetch, and logs that hold no secret even at LOG_LEVEL=trace. One bot at trace level
 * with the default limit (20 commands a minute) serves the whole suite.
 */
describe('limit, metrics and logs (e2e)', () => {
  const SEED = '62807eaf-0c89-492e-a3c3-c4751812603b';
  let world: World;
  let bot: BotProcess;
  let tracker: ReplyTracker;
  /** OAuth codes the bot exchanged: none may be logged. */
  const codes: string[] = [];

  beforeAll(async () => {
    world = await createWorld();
    world.emulator.addRecording(seedRecording({ ownerId: world.alice.id, ownerEmail: 'alice@example.com', links: ['audio', 'transcript', 'suggestedNotes', 'shortNotes', 'actionItems'] }));
    world.emulator.addRecording(seedRecording({ id: 'bob-rec', topic: 'Bob topic', ownerId: world.bob.id, ownerEmail: 'bob@example.com' }));
    bot = await startBotProcess(world.emulator, world.botToken, { LOG_LEVEL: 'trace' });
    tracker = new ReplyTracker(world.emulator, world.botPerson.id);
    for (const [person, room] of [[world.alice, world.aliceDirect], [world.bob, world.bobDirect]] as const) {
      await connectPerson(world, person, room, { onCallback: (callback) => codes.push(new URL(callback).searchParams.get('code')!) });
    }
  });

  afterAll(async () => {
    tracker?.stop();
    await bot?.stop();
    await world?.emulator.close();
  });

  async function metricsText(): Promise<string> {
    const answer = await fetch(`${bot.url}/metrics`);
    expect(answer.status).toBe(200);
    return answer.text();
  }

  /** The value of one sample, 0 when absent. */
  function sample(text: string, name: string, labels: Record<string, string>): number {
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${name}{`)) continue;
      const labelText = line.slice(name.length + 1, line.lastIndexOf('}'));
      if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return 0;
  }

  it('answers 20 commands a minute from one person and says to slow down once', async () => {
    // Bob's "connect" was his first command of the minute; 20 more make 21: 19 answered, then
    // one slow-down message, then silence for the extra ones.
    const asked = Array.from({ length: 22 }, () =>
      world.emulator.say({ as: world.bob.id, roomId: world.group, text: 'recording bob-rec', mentionBot: true }).id,
    );
    await waitUntil(
      async () => sample(await metricsText(), 'recbot_commands_total', { command: 'recording', outcome: 'rate-limited' }) >= 3,
      15_000,
    );
    await waitUntil(async () => asked.filter((id) => tracker.replies(id).length > 0).length >= 20, DEADLINE_MS);
    await world.emulator.idle();
    const replies: Message[] = asked.flatMap((id) => tracker.replies(id));
    const slowDowns = replies.filter((m) => /slow down/i.test(m.markdown ?? ''));
    const cards = replies.filter((m) => m.attachments?.length && (m.markdown ?? '').includes('Bob topic'));
    expect(slowDowns).toHaveLength(1);
    expect(cards).toHaveLength(19);
    expect(replies).toHaveLength(20);
    // Alice is not limited by Bob's traffic.
    const other = world.emulator.say({ as: world.alice.id, roomId: world.group, text: `recording ${SEED}`, mentionBot: true });
    expect((await tracker.first(other.id)).attachments?.length).toBe(1);
  });

  it('exposes commands by outcome, Webex calls by status and the latency histogram on /metrics', async () => {
    // One refused call, so that a failure status shows up next to the successes.
    world.emulator.faults.add({ method: 'GET', path: `/convergedRecordings/${SEED}`, status: 500, times: 1 });
    const failed = world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: `recording ${SEED}` });
    const failedReply = nextBotMessage(world, world.aliceDirect);
    expect((await failedReply).markdown).toMatch(/trouble/);
    expect(failed.id).toBeTruthy();

    const text = await metricsText();
    expect(sample(text, 'recbot_commands_total', { command: 'recording', outcome: 'ok' })).toBeGreaterThanOrEqual(20);
    expect(sample(text, 'recbot_commands_total', { command: 'recording', outcome: 'rate-limited' })).toBe(3);
    expect(sample(text, 'recbot_commands_total', { command: 'recording', outcome: 'webex-500' })).toBe(1);
    expect(sample(text, 'recbot_commands_total', { command: 'connect' })).toBe(2);
    expect(sample(text, 'recbot_webex_calls_total', { method: 'GET', route: '/convergedRecordings/:id', status: '200' })).toBeGreaterThanOrEqual(20);
    expect(sample(text, 'recbot_webex_calls_total', { method: 'GET', route: '/convergedRecordings/:id', status: '500' })).toBe(1);
    expect(sample(text, 'recbot_webex_calls_total', { method: 'POST', route: '/messages', status: '200' })).toBeGreaterThanOrEqual(20);
    expect(sample(text, 'recbot_command_duration_seconds_count', { command: 'recording' })).toBeGreaterThanOrEqual(24);
    expect(sample(text, 'recbot_command_duration_seconds_bucket', { command: 'recording', le: '+Inf' })).toBe(
      sample(text, 'recbot_command_duration_seconds_count', { command: 'recording' }),
    );
    expect(text).toMatch(/^# TYPE recbot_command_duration_seconds histogram$/m);
  });

  it('writes one audit line per fetch and keeps every secret out of trace-level logs', async () => {
    // A refresh (the token expires), a card with download links in a 1:1 space, and a click on
    // Notes (the bot fetches the notes' `?ticket=` links itself), after the failed call above.
    world.emulator.expireAccessTokens(world.alice.id);
    const card = nextBotMessage(world, world.aliceDirect);
    world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: `recording ${SEED}` });
    const answered = await card;
    const links = openUrlsOf(cardOf(answered));
    expect(links.some((u) => u.includes('/downloads/'))).toBe(true);
    expect(world.emulator.tokenStats(world.alice.id).refreshGrants).toBe(1);
    const notes = submitDataOf(cardOf(answered)).find((d) => d.action === 'notes')!;
    const notesPosted = nextBotMessage(world, world.aliceDirect, (m) => /Action items/i.test(m.markdown ?? ''));
    world.emulator.click({ as: world.alice.id, messageId: answered.id, inputs: notes });
    await notesPosted;
    const noteFetches = world.emulator.calls.filter((c) => /\/(suggestedNotes|shortNotes|actionItems)$/.test(c.path.split('?')[0]!));
    expect(noteFetches.length).toBeGreaterThan(0);
    await world.emulator.idle();
    const tickets = links.flatMap((u) => {
      const url = new URL(u);
      return [url.searchParams.get('ticket'), /\/downloads\/[^/]+\/([^/.]+)/.exec(url.pathname)?.[1]].filter((t): t is string => Boolean(t));
    });
    expect(tickets.length).toBeGreaterThan(0);

    const logs = bot.logs();
    const fetches = world.emulator.calls.filter((c) => c.method === 'GET' && c.path.startsWith('/v1/convergedRecordings/') && c.caller.kind === 'person');
    const audits = logs.filter((l) => l.audit === 'recording-fetch');
    // One audit line per command that fetched (retries and the refresh's second try are one fetch).
    expect(audits.length).toBeGreaterThanOrEqual(22);
    expect(audits.length).toBeLessThanOrEqual(fetches.length);
    for (const a of audits) expect(a).toEqual(expect.objectContaining({ personId: expect.any(String), roomId: expect.any(String), recordingId: expect.any(String), outcome: expect.any(String) }));
    expect(audits.filter((a) => a.outcome === 'webex-500')).toHaveLength(1);
    // Failed calls are logged with Webex's tracking ID.
    const failure = logs.find((l) => l.msg === 'Webex call failed' && l.status === 500);
    expect(failure?.trackingId).toEqual(expect.stringMatching(/\S/));

    const all = bot.lines.join('\n');
    expect(logs.some((l) => Number(l.level) <= 20)).toBe(true); // debug and trace lines were on
    const secrets = [
      ...world.emulator.issuedTokens(world.alice.id),
      ...world.emulator.issuedTokens(world.bob.id),
      world.botToken,
      ...codes,
      CLIENT_SECRET,
      WEBHOOK_SECRET,
      ...tickets,
    ];
    expect(secrets.length).toBeGreaterThan(6);
    expect(secrets.filter((s) => all.includes(s))).toEqual([]);
    expect(all).not.toMatch(/ticket=/i);
    expect(all).not.toMatch(/bearer /i);
    expect(all).not.toMatch(/"authorization":"(?!\[redacted\])/i);
    expect(all).not.toMatch(/\/downloads\//);
  });
});
