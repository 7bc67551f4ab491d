/** Outcomes are one closed list: metrics take no other label (checked by `npm run typecheck`). */
import { createMetrics } from '../src/metrics';
import type { Outcome } from '../src/outcomes';

describe('command outcomes', () => {
  it('are counted by command and outcome', async () => {
    const metrics = createMetrics();
    const outcomes: Outcome[] = ['ok', 'webex-404', 'webex-unreachable', 'rate-limited'];
    for (const outcome of outcomes) metrics.recordOutcome('recording', outcome, 0.01);
    const { body } = await metrics.render();
    for (const outcome of outcomes) expect(body).toMatch(new RegExp(`recbot_commands_total\\{command="recording",outcome="${outcome}"\\} 1`));
  });

  it('refuse a label outside the list', () => {
    const metrics = createMetrics();
    // @ts-expect-error: 'not-an-outcome' is not an Outcome
    metrics.recordOutcome('recording', 'not-an-outcome', 0.01);
    // @ts-expect-error: a webex outcome carries a status number
    const status: Outcome = 'webex-nope';
    expect(status).toBe('webex-nope');
  });
});
