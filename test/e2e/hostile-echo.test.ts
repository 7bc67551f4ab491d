/**
 * Echoes of typed text on the wire: the built bot with the real framework, in webhook mode,
 * against the emulator, which reads mentions in a posted message's markdown as Webex does
 * (`<@all>`, `<@personEmail:…>`, `<@personId:…>` become `mentionedGroups` / `mentionedPeople`).
 * What a person typed comes back in the bot's reply mentioning nobody.
 * The in-process corpus (test/dispatch/hostile-echo.test.ts) covers every echo and every markup.
 */
import { createWorld, nextBotMessage, startBotProcess, type BotProcess, type World } from './harness';

const TYPED = ['<@all>', '<@personEmail:bob@example.com>', '<@personEmail:bob@example.com|Bob>'];

describe('hostile echoes on the wire (e2e)', () => {
  let world: World;
  let bot: BotProcess;

  beforeAll(async () => {
    world = await createWorld();
    bot = await startBotProcess(world.emulator, world.botToken);
  });

  afterAll(async () => {
    await bot?.stop();
    await world?.emulator.close();
  });

  it('(conformance) the emulator reads mentions in markdown a bot posts, as Webex does', async () => {
    const res = await fetch(`${world.emulator.apiUrl}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${world.botToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ roomId: world.group, markdown: 'hi <@all> and <@personEmail:bob@example.com>' }),
    });
    expect(res.status).toBe(200);
    const posted = (await res.json()) as { mentionedPeople?: string[]; mentionedGroups?: string[] };
    expect(posted.mentionedGroups).toEqual(['all']);
    expect(posted.mentionedPeople).toEqual([world.bob.id]);
  });

  it.each(TYPED)('"recordings %s" in a group space: the reply quotes it and mentions nobody', async (typed) => {
    const reply = nextBotMessage(world, world.group);
    world.emulator.say({ as: world.alice.id, roomId: world.group, text: `recordings ${typed}`, mentionBot: true });
    const message = await reply;
    expect(message.markdown).toMatch(/I don't understand/);
    expect(message.mentionedGroups ?? []).toEqual([]);
    expect(message.mentionedPeople ?? []).toEqual([]);
  });

  it.each(TYPED)('"recording %s" in a 1:1 space: the reply quotes it and mentions nobody', async (typed) => {
    const reply = nextBotMessage(world, world.aliceDirect);
    world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: `recording ${typed}` });
    const message = await reply;
    expect(message.markdown).toMatch(/doesn't look like a recording ID/);
    expect(message.mentionedGroups ?? []).toEqual([]);
    expect(message.mentionedPeople ?? []).toEqual([]);
  });
});
