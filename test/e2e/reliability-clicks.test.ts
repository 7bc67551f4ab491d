import type { Person } from '../../src/webex/types';
import { seedRecording } from './fixtures';
import { addComplianceOfficer, cardOf, connectPerson, createWorld, nextBotMessage, sleep, startBotProcess, TRANSPORTS, type BotProcess, type World } from './harness';
import { DEADLINE_MS } from '../support/waiting';

const SEED = '62807eaf-0c89-492e-a3c3-c4751812603b';

/**
 * Card clicks carry inputs anyone in the space can forge. Who asked for a card is read from
 * Webex (the request the card is threaded under), never from the inputs.
 */
describe.each(TRANSPORTS)('card clicks and identity (e2e, %s mode)', (transport) => {
  let world: World;
  let bot: BotProcess;
  let carla: Person;

  beforeAll(async () => {
    world = await createWorld();
    let carlaDirect: string;
    ({ carla, carlaDirect } = addComplianceOfficer(world));
    world.emulator.addMember(world.group, carla.id);
    world.emulator.addRecording(seedRecording({ ownerId: world.alice.id, ownerEmail: 'alice@example.com' }));
    bot = await startBotProcess(world.emulator, world.botToken, { COMMANDS_PER_MINUTE: '200' }, { transport });
    await connectPerson(world, world.alice, world.aliceDirect);
    await connectPerson(world, carla, carlaDirect);
  });

  afterAll(async () => {
    await bot?.stop();
    await world?.emulator.close();
  });

  async function clicksHandled(): Promise<number> {
    const text = await fetch(`${bot.url}/metrics`).then((r) => r.text());
    return [...text.matchAll(/^recbot_commands_total\{command="click",outcome="[^"]*"\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
  }

  async function untilClicksHandled(count: number): Promise<void> {
    const deadline = Date.now() + DEADLINE_MS;
    while ((await clicksHandled()) < count) {
      if (Date.now() > deadline) throw new Error(`fewer than ${count} clicks handled`);
      await sleep(50);
    }
  }

  it("a forged refresh from another person deletes nothing; the requester's own refresh replaces the card", async () => {
    const { emulator } = world;
    const asked = nextBotMessage(world, world.group, (m) => Boolean(m.attachments?.length));
    const request = emulator.say({ as: world.alice.id, roomId: world.group, text: `recording ${SEED}`, mentionBot: true });
    const aliceCard = await asked;
    expect(aliceCard.parentId).toBe(request.id);
    // Inputs are whatever a client sends, whether or not the card shows that button.
    const refresh = { action: 'refresh', recordingId: SEED };
    expect(cardOf(aliceCard)).toBeDefined();

    // Carla can see the recording too, so her refresh succeeds; she claims to have asked for the card.
    const before = await clicksHandled();
    const carlasCard = nextBotMessage(world, world.group, (m) => Boolean(m.attachments?.length));
    emulator.click({ as: carla.id, messageId: aliceCard.id, inputs: { ...refresh, requesterId: carla.id } });
    expect((await carlasCard).parentId).toBe(request.id);
    await untilClicksHandled(before + 1);
    expect(emulator.calls.filter((c) => c.method === 'DELETE' && c.path === `/v1/messages/${aliceCard.id}`)).toEqual([]);
    expect(emulator.messages(world.group).some((m) => m.id === aliceCard.id)).toBe(true);

    // Alice's own click (even with the inputs Carla sent) replaces her card.
    const alicesNext = nextBotMessage(world, world.group, (m) => Boolean(m.attachments?.length));
    emulator.click({ as: world.alice.id, messageId: aliceCard.id, inputs: { ...refresh, requesterId: carla.id } });
    await alicesNext;
    await untilClicksHandled(before + 2);
    expect(emulator.messages(world.group).some((m) => m.id === aliceCard.id)).toBe(false);
  });
});
