/**
 * `recordings [N]` as the person reads it (README, "Commands"): the in-process bot against the
 * emulator (test/support/in-process-world.ts), on one test clock.
 */
import { seedRecording } from '../e2e/fixtures';
import { submitDataOf } from '../e2e/harness';
import { createInProcessWorld, textOf, type InProcessWorld } from '../support/in-process-world';

const HOUR = 3600_000;

describe('recordings list (in-process)', () => {
  let w: InProcessWorld;
  const ids: string[] = [];

  beforeAll(async () => {
    // Pages of at most 9 items: 25 recordings span 3 pages.
    w = await createInProcessWorld({ emulator: { maxPageItems: 9 } });
    const now = w.clock.now().getTime();
    for (let i = 1; i <= 25; i++) {
      const id = `list-rec-${String(i).padStart(2, '0')}`;
      ids.push(id);
      // Recording i was made (26 - i) × 5 hours ago: #25 is the newest.
      const recorded = new Date(now - (26 - i) * 5 * HOUR);
      w.emulator.addRecording(
        seedRecording({
          id,
          topic: `Weekly sync #${i}`,
          timeRecorded: recorded.toISOString(),
          createTime: new Date(recorded.getTime() + 600_000).toISOString(),
          durationSeconds: 600 + i,
          ownerId: w.alice.id,
          ownerEmail: 'alice@example.com',
        }),
      );
    }
    w.emulator.addRecording(
      seedRecording({
        id: 'list-old-one',
        topic: 'Quarterly review',
        timeRecorded: new Date(now - 20 * 24 * HOUR).toISOString(),
        createTime: new Date(now - 20 * 24 * HOUR + 600_000).toISOString(),
        ownerId: w.alice.id,
        ownerEmail: 'alice@example.com',
      }),
    );
    await w.signIn(w.alice);
    await w.signIn(w.bob);
  });

  afterAll(async () => {
    await w?.close();
  });

  const listCalls = () => w.emulator.calls.filter((c) => c.method === 'GET' && c.path.split('?')[0] === '/v1/convergedRecordings');

  it("shows the newest 20 of 25, gathered over 3 pages, in the person's zone", async () => {
    const callsBefore = listCalls().length;
    const posted = await w.say(w.alice, 'recordings 20');
    expect(posted).toHaveLength(1);
    const text = textOf(posted);
    for (let i = 25; i >= 6; i--) expect(text).toContain(`Weekly sync #${i}`);
    for (let i = 5; i >= 1; i--) expect(text).not.toMatch(new RegExp(`Weekly sync #${i}\\b`));
    expect(text).not.toContain('Quarterly review');
    expect(text).toContain('GMT+8');
    expect(listCalls().length - callsBefore).toBe(3);
    const newestFirst = [...text.matchAll(/Weekly sync #(\d+)/g)].map((m) => Number(m[1]));
    expect(newestFirst.slice(0, 3)).toEqual([25, 24, 23]);
  });

  it('"Details" on row 7 posts that recording\'s card', async () => {
    const [list] = await w.say(w.alice, 'recordings 20');
    const details = submitDataOf(list!.message.card).find((d) => d.action === 'details');
    expect(details).toBeDefined();
    // Row 7, newest first, is recording #19.
    const answer = textOf(await w.click(w.alice, list!, { ...details!, recordingId: ids[25 - 7]! }));
    expect(answer).toContain('Weekly sync #19');
    expect(answer).toContain('10 min 19 s');
  });

  it("answers a list asked for in a group space by DM; its \"Details\" click is served there with the asker's token", async () => {
    const posted = await w.say(w.alice, 'recordings 10', 'team-space');
    expect(posted.map((p) => p.to)).toEqual([{ toPersonId: w.alice.id }, expect.objectContaining({ roomId: 'team-space' })]);
    expect(posted[1]!.message.markdown).toMatch(/direct message/);
    const list = posted[0]!;
    const details = submitDataOf(list.message.card).find((d) => d.action === 'details')!;
    const target = ids[24]!;
    const before = w.emulator.calls.length;
    const answer = await w.click(w.alice, list, { ...details, recordingId: target });
    expect(textOf(answer)).toContain('Weekly sync #25');
    const calls = w.emulator.calls.slice(before).filter((c) => c.path === `/v1/convergedRecordings/${target}`);
    expect(calls.map((c) => c.caller.personId)).toEqual([w.alice.id]);
  });

  it('explains an empty window and how far back it looked; `30d` widens it', async () => {
    expect(textOf(await w.say(w.bob, 'recordings'))).toMatch(/no recordings in the last 7 days.*recordings 30d/);
    const text = textOf(await w.say(w.alice, 'recordings 50 30d'));
    expect(text).toContain('Quarterly review');
    expect(text).toContain('Weekly sync #1');
  });
});
