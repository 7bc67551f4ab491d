import { seedRecording } from './fixtures';
import { cardOf, nextBotMessage, submitDataOf } from './harness';
import { startWorld, type BotWorld } from './world';
import type { EmulatorMessage } from '../../dev/sandbox/emulator';
import { DEADLINE_MS } from '../support/waiting';

const SEED = '62807eaf-0c89-492e-a3c3-c4751812603b';

/**
 * Errors name the operation that failed: a reply Webex would not post is told as a failed post,
 * never as a problem with the recording; the notes download refreshes an expired sign-in like
 * every other call made with the person's token.
 */
describe('errors by operation (e2e)', () => {
  let world: BotWorld;

  beforeAll(async () => {
    world = await startWorld({
      env: { COMMANDS_PER_MINUTE: '200' },
      prepare: (w) => w.emulator.addRecording(seedRecording({ ownerId: w.alice.id, ownerEmail: 'alice@example.com', links: ['audio', 'transcript', 'suggestedNotes', 'shortNotes', 'actionItems'] })),
      signIn: ['alice'],
    });
  });

  afterAll(async () => {
    await world?.close();
  });

  afterEach(() => world.emulator.faults.clear());

  async function notesClick(): Promise<{ cardId: string; inputs: Record<string, unknown> }> {
    const reply = nextBotMessage(world, world.aliceDirect, (m) => Boolean(m.attachments?.length));
    world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: `recording ${SEED}` });
    const card = await reply;
    const inputs = submitDataOf(cardOf(card)).find((d) => d.action === 'notes');
    expect(inputs).toBeDefined();
    return { cardId: card.id, inputs: inputs! };
  }

  /** The bot's next `count` messages in Alice's 1:1 space. */
  function nextMessages(count: number): Promise<EmulatorMessage[]> {
    const seen = new Set(world.emulator.messages(world.aliceDirect).map((m) => m.id));
    const fresh = () => world.emulator.messages(world.aliceDirect).filter((m) => m.personId === world.botPerson.id && !seen.has(m.id));
    return new Promise((resolve, reject) => {
      const deadline = Date.now() + DEADLINE_MS;
      const poll = () => {
        const got = fresh();
        if (got.length >= count) return resolve(got);
        if (Date.now() > deadline) return reject(new Error(`only ${got.length} of ${count} messages: ${got.map((m) => m.markdown).join(' | ')}`));
        setTimeout(poll, 25);
      };
      poll();
    });
  }

  it('tells a notes file Webex would not post (404, space not found) as a failed post', async () => {
    const { cardId, inputs } = await notesClick();
    world.emulator.faults.add({ method: 'POST', path: '/v1/messages', status: 404, message: 'Could not find a room with provided ID.', times: 1 });
    const replies = nextMessages(3);
    world.emulator.click({ as: world.alice.id, messageId: cardId, inputs });
    const texts = (await replies).map((m) => m.markdown ?? '');
    const refused = world.emulator.calls.find((c) => c.method === 'POST' && c.path === '/v1/messages' && c.status === 404)!;
    expect(texts[0]).toBe(`I couldn't post the suggested notes of “call with default”: Webex couldn't find the space (I may have been removed from it). (Webex tracking ID: \`${refused.trackingId}\`)`);
    expect(texts.slice(1)).toEqual(['Short notes of “call with default”', 'Action items of “call with default”']);
    expect(texts.join('\n')).not.toMatch(/No recording with that ID/);
  });

  it('tells a card Webex would not post as a failed post, not as a recording problem', async () => {
    world.emulator.faults.add({ method: 'POST', path: '/v1/messages', status: 404, message: 'Could not find a room with provided ID.', times: 1 });
    const replies = nextMessages(1);
    world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: `recording ${SEED}` });
    const [reply] = await replies;
    expect(reply!.markdown).toMatch(/^I couldn't post my answer: Webex couldn't find the space \(I may have been removed from it\)\./);
    expect(reply!.attachments ?? []).toEqual([]);
  });

  it('refreshes the sign-in once when the notes download answers 401, and posts every file', async () => {
    const { cardId, inputs } = await notesClick();
    const grants = world.emulator.tokenStats(world.alice.id).refreshGrants;
    world.emulator.faults.add({ method: 'GET', path: /^\/v1\/convergedRecordings\/[^/]+\/suggestedNotes$/, status: 401, times: 1 });
    const replies = nextMessages(3);
    world.emulator.click({ as: world.alice.id, messageId: cardId, inputs });
    const posted = await replies;
    expect(posted.map((m) => m.markdown)).toEqual(['Suggested notes of “call with default”', 'Short notes of “call with default”', 'Action items of “call with default”']);
    expect(posted.every((m) => (m.files ?? []).length === 1)).toBe(true);
    expect(world.emulator.tokenStats(world.alice.id).refreshGrants).toBe(grants + 1);
  });
});
