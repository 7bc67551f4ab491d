/** The websocket intake (intake.ts): the store is tried through a short outage, then the catch-up is told. */
import { createLogger } from '../../src/log';
import type { EventEnvelope } from '../../src/transport/envelope';
import { createSocketIntake, INTAKE_TRIES } from '../../src/transport/intake';

const envelope: EventEnvelope = { resource: 'messages', event: 'created', data: { id: 'm1', created: '2026-12-05T10:00:00.000Z' } };

function setup(failures: number, stopping = () => false) {
  const seen = { accepted: 0, attempts: 0, pauses: 0, missed: [] as Date[] };
  const take = createSocketIntake({
    accept: async () => {
      seen.attempts += 1;
      if (seen.attempts <= failures) throw new Error('database unavailable');
      seen.accepted += 1;
    },
    missed: (at) => void seen.missed.push(at),
    logger: createLogger({ level: 'silent' }),
    now: () => new Date('2026-12-05T11:00:00.000Z'),
    stopping,
    sleep: async () => void (seen.pauses += 1),
  });
  return { take, seen };
}

describe('websocket intake', () => {
  it('stores the event once the store is back within the tries', async () => {
    const { take, seen } = setup(INTAKE_TRIES - 1);
    await take(envelope);
    expect(seen).toMatchObject({ accepted: 1, attempts: INTAKE_TRIES, pauses: INTAKE_TRIES - 1, missed: [] });
  });

  it('leaves it to the catch-up, from the time it was sent, when the store stays away', async () => {
    const { take, seen } = setup(Infinity);
    await expect(take(envelope)).resolves.toBeUndefined();
    expect(seen).toMatchObject({ accepted: 0, attempts: INTAKE_TRIES, missed: [new Date('2026-12-05T10:00:00.000Z')] });
  });

  it('does not wait while stopping', async () => {
    const { take, seen } = setup(Infinity, () => true);
    await take(envelope);
    expect(seen).toMatchObject({ attempts: 1, pauses: 0 });
    expect(seen.missed).toHaveLength(1);
  });
});
