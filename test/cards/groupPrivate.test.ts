/**
 * In a group space with private links, nothing anyone in the space can read may carry a download
 * URL or the expiry: not the card JSON (any string, at any depth), not the fallback text.
 */
import { buildRecordingCard } from '../../src/cards';
import { formatClock, formatLocalTime, formatRelative } from '../../src/format';
import { allStrings, linkUrls, loadRecording, REQUESTER_ID, scenarioName, SCENARIOS } from './helpers/fixtures';

describe.each(SCENARIOS.map((s) => [scenarioName(s), s] as const))('private group card: %s', (_name, scenario) => {
  const recording = loadRecording(scenario.fixture);
  const now = new Date(scenario.now);
  const built = buildRecordingCard({
    recording,
    timeZone: scenario.timeZone,
    zoneSource: scenario.zoneSource,
    now,
    audience: 'group-private',
    requesterId: REQUESTER_ID,
  });
  const everything = [...allStrings(built.card), built.fallback];

  it('contains none of the recording URLs, nor any part of their tickets', () => {
    for (const url of linkUrls(recording)) {
      const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : url;
      for (const text of everything) {
        expect(text).not.toContain(url);
        expect(text).not.toContain(query);
      }
    }
    for (const text of everything) expect(text).not.toMatch(/ticket=|MultiThreadDownloadServlet|\/(suggestedNotes|shortNotes|actionItems)\b/);
  });

  it('contains no expiry, neither as a time nor as a relative time', () => {
    const expiration = recording.temporaryDirectDownloadLinks?.expiration;
    for (const text of everything) {
      expect(text).not.toMatch(/expire/i);
      if (expiration) {
        expect(text).not.toContain(expiration);
        expect(text).not.toContain(formatClock(expiration, scenario.timeZone));
        expect(text).not.toContain(formatLocalTime(expiration, scenario.timeZone));
        expect(text).not.toContain(formatRelative(new Date(expiration), now));
      }
    }
  });
});
