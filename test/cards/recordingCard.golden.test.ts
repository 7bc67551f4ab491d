/**
 * Golden tests of the recording card: every fixture, in a 1:1 space and in a group space with
 * private links. A public group space gets exactly the 1:1 card.
 */
import { buildRecordingCard } from '../../src/cards';
import { expectGolden } from './helpers/golden';
import { loadRecording, REQUESTER_ID, scenarioName, SCENARIOS } from './helpers/fixtures';

describe.each(SCENARIOS)('recording card: $fixture at $now in $timeZone', (scenario) => {
  const recording = loadRecording(scenario.fixture);
  const build = (audience: 'direct' | 'group-private' | 'group-public') =>
    buildRecordingCard({
      recording,
      timeZone: scenario.timeZone,
      zoneSource: scenario.zoneSource,
      now: new Date(scenario.now),
      audience,
      requesterId: REQUESTER_ID,
      ...(scenario.noLinksCause ? { noLinksCause: scenario.noLinksCause } : {}),
    });

  it('matches the golden 1:1 card', () => {
    expectGolden(`recording--${scenarioName(scenario)}--direct`, build('direct'));
  });

  it('matches the golden private group card', () => {
    expectGolden(`recording--${scenarioName(scenario)}--group-private`, build('group-private'));
  });

  it('shows a public group space the 1:1 card', () => {
    expect(build('group-public')).toEqual(build('direct'));
  });
});
