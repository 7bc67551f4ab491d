/** What the recording card says and offers, fixture by fixture (exact strings). */
import { buildLinksCard, buildRecordingCard, parseCardAction, type Audience, type BuiltCard } from '../../src/cards';
import type { Recording } from '../../src/webex/types';
import { allStrings, elementsOfType, loadRecording, REQUESTER_ID, SCENARIOS, scenarioName } from './helpers/fixtures';

function build(name: string, audience: Audience = 'direct', overrides: Partial<Recording> = {}): BuiltCard {
  const scenario = SCENARIOS.find((s) => scenarioName(s) === name)!;
  return buildRecordingCard({
    recording: { ...loadRecording(scenario.fixture), ...overrides },
    timeZone: scenario.timeZone,
    zoneSource: scenario.zoneSource,
    now: new Date(scenario.now),
    audience,
    requesterId: REQUESTER_ID,
  });
}

/** The text of every TextRun, in order. */
function runs(built: BuiltCard): string[] {
  return elementsOfType(built.card, 'TextRun').map((run) => String(run.text));
}

/** Titles of the card's actions, in order. */
function actionTitles(built: BuiltCard): string[] {
  return (built.card.actions ?? []).map((action) => action.title);
}

function submitData(built: BuiltCard): Array<Record<string, string>> {
  return elementsOfType(built.card, 'Action.Submit').map((action) => action.data as Record<string, string>);
}

describe('the seed sample (Asia/Singapore, from the Webex profile)', () => {
  const built = build('seed-sample');

  it('shows recorded and created times with date, time and offset', () => {
    expect(runs(built)).toEqual(expect.arrayContaining(['Wed 1 Nov 2023, 15:27 GMT+8', 'Wed 1 Nov 2023, 23:09 GMT+8']));
  });

  it('names the zone and why it was used', () => {
    expect(runs(built)).toContain('Times in Asia/Singapore (your Webex profile)');
  });

  it('shows topic, status, service, duration, size, format and owner', () => {
    expect(runs(built)).toEqual(
      expect.arrayContaining(['call with default', 'Available', ' · Webex Calling', '4 min 58 s', '299.9 kB', 'MP3', 'nshtestwebex+crctestuser1@gmail.com']),
    );
    expect(runs(built)).not.toContain('Owner type');
  });

  it('shows the expiry as local clock time and relative time', () => {
    expect(runs(built)).toContain('Links expire at 20:57 GMT+8, in 2 h 59 min');
    expect(built.fallback).toContain('Links expire at 20:57 GMT+8, in 2 h 59 min');
  });

  it('puts region, location and call session behind "More details"', () => {
    const more = built.card.actions!.find((a) => a.type === 'Action.ShowCard');
    expect(more?.title).toBe('More details');
    const inside = allStrings(more);
    expect(inside).toEqual(
      expect.arrayContaining(['US', '02a43ee9-17ae-4e0c-9e79-720e3a6503fd', 'c61b357e-8f53-4d97-9cd2-ae3202796fb0', '62807eaf-0c89-492e-a3c3-c4751812603b']),
    );
  });

  it('offers the audio download, refresh and more details', () => {
    expect(actionTitles(built)).toEqual(['Download audio (MP3)', 'Refresh links', 'More details']);
    const audio = built.card.actions![0];
    expect(audio.type === 'Action.OpenUrl' && audio.url).toBe(loadRecording('seed-sample').temporaryDirectDownloadLinks!.audioDownloadLink);
  });

  it('carries the essentials in the fallback', () => {
    expect(built.fallback.split('\n')).toEqual([
      '**Recording:** call with default',
      '- Status: Available · Webex Calling',
      '- Recorded: Wed 1 Nov 2023, 15:27 GMT+8',
      '- Created: Wed 1 Nov 2023, 23:09 GMT+8',
      '- Duration: 4 min 58 s · Size: 299.9 kB · Format: MP3',
      '- Owner: nshtestwebex\\+crctestuser1\u2060\\@\u2060gmail\u2060\\.\u2060com',
      '- Times in Asia/Singapore (your Webex profile)',
      expect.stringMatching(/^- Download: \[audio \\\(MP3\\\)\]\(https:\/\/nsq1wss\.dmz\.webex\.com\/nbr\/MultiThreadDownloadServlet\?/),
      '- Links expire at 20:57 GMT+8, in 2 h 59 min',
    ]);
  });
});

describe('buttons', () => {
  it('with all five links: audio, transcript, one notes button, refresh, more details (5 in all)', () => {
    const built = build('all-links');
    expect(actionTitles(built)).toEqual(['Download audio (MP3)', 'Download transcript', 'Notes & action items', 'Refresh links', 'More details']);
    expect(submitData(built)).toEqual([
      { action: 'notes', recordingId: 'a1b2c3d4-0c89-492e-a3c3-c4751812603b' },
      { action: 'refresh', recordingId: 'a1b2c3d4-0c89-492e-a3c3-c4751812603b', requesterId: REQUESTER_ID },
    ]);
  });

  it('every submit button carries data that parseCardAction accepts unchanged', () => {
    for (const scenario of SCENARIOS) {
      for (const audience of ['direct', 'group-private'] as const) {
        for (const data of submitData(build(scenarioName(scenario), audience))) {
          expect(parseCardAction(data)).toEqual(data);
        }
      }
    }
  });

  it('notes links without audio or transcript: the notes button, no download buttons', () => {
    const built = build('notes-only');
    expect(actionTitles(built)).toEqual(['Notes & action items', 'Refresh links', 'More details']);
    expect(runs(built)).not.toContain('Webex returned no download links for this recording.');
  });

  it('an empty links object: says Webex returned no links', () => {
    const built = build('audio-only', 'direct', { temporaryDirectDownloadLinks: {} });
    expect(runs(built)).toContain('Webex returned no download links for this recording.');
    // Nothing to refresh: the card shows no links.
    expect(actionTitles(built)).toEqual(['More details']);
  });

  it('drops links that are not http(s) URLs', () => {
    const built = build('hostile-text');
    expect(actionTitles(built)).toEqual(['Download audio (MP3)', 'Refresh links', 'More details']);
    expect(allStrings(built)).not.toContainEqual(expect.stringContaining('javascript:'));
  });
});

describe('missing links, recycle bin, purged', () => {
  it('explains why there are no links (admin access or Prevent Downloading)', () => {
    const built = build('no-links');
    expect(runs(built)).toContain(
      'No download links: Webex leaves them out when the recording is viewed with admin access, or when Prevent Downloading is on for this recording.',
    );
    expect(elementsOfType(built.card, 'Action.OpenUrl')).toEqual([]);
    expect(actionTitles(built)).toEqual(['More details']);
    expect(built.fallback).toContain('Prevent Downloading');
  });

  it('says a deleted recording is in the recycle bin', () => {
    const built = build('deleted');
    expect(runs(built)).toEqual(expect.arrayContaining(['In the recycle bin', 'Times in UTC (no time zone is set for you; "timezone Europe/Paris" would set one)']));
    expect(runs(built).some((text) => text.startsWith('No download links: this recording is in the recycle bin.'))).toBe(true);
  });

  it('still offers the links Webex gives for a recording in the recycle bin', () => {
    const withLinks = build('deleted', 'direct', { temporaryDirectDownloadLinks: loadRecording('audio-only').temporaryDirectDownloadLinks });
    expect(actionTitles(withLinks)).toEqual(['Download audio (MP3)', 'Refresh links', 'More details']);
  });

  it('says a purged recording is purged and offers no download, even if Webex sent links', () => {
    for (const audience of ['direct', 'group-private', 'group-public'] as const) {
      const built = build('purged', audience);
      expect(runs(built)).toEqual(
        expect.arrayContaining(['Purged', 'This recording was purged from the recycle bin: there is nothing left to download.']),
      );
      expect(actionTitles(built)).toEqual(['More details']);
      expect(allStrings(built)).not.toContainEqual(expect.stringContaining('ticket=PURGED'));
    }
  });
});

describe('service and owner types, durations and sizes', () => {
  it('Customer Assist recording of a call queue', () => {
    const built = build('customer-assist-call-queue');
    expect(runs(built)).toEqual(expect.arrayContaining([' · Customer Assist', 'Owner type', 'Call queue', 'billing-queue@example.com']));
    expect(runs(built)).toEqual(expect.arrayContaining(['Tue 14 Apr 2026, 07:51 PDT', 'Links expire at 10:45 PDT, in 2 h 59 min']));
    expect(allStrings(built.card.actions)).toContain('United States');
  });

  it('a 3 h+ recording of several GB owned by a virtual line', () => {
    const built = build('long-several-gb');
    expect(runs(built)).toEqual(expect.arrayContaining(['3 h 10 min 5 s', '4.73 GB', 'Virtual line']));
    expect(built.fallback).toContain('- Duration: 3 h 10 min 5 s · Size: 4.73 GB · Format: MP3');
  });

  it('a workspace recording shown in Kathmandu (GMT+5:45)', () => {
    const built = build('kathmandu-workspace');
    expect(runs(built)).toEqual(
      expect.arrayContaining(['Workspace', '45 s', '720 kB', 'Mon 4 May 2026, 14:45 GMT+5:45', 'Mon 4 May 2026, 14:52 GMT+5:45', 'Links expire at 17:55 GMT+5:45, in 3 h']),
    );
  });
});

describe('times near DST changes', () => {
  it('New York spring forward: recorded in EST, created in EDT', () => {
    const built = build('dst-new-york');
    expect(runs(built)).toEqual(
      expect.arrayContaining(['Sun 8 Mar 2026, 01:58 EST', 'Sun 8 Mar 2026, 03:04 EDT', 'Links expire at 06:05 EDT, in 3 h']),
    );
  });

  it('Berlin autumn: the repeated 02:30 is told apart by its offset', () => {
    const built = build('dst-berlin');
    expect(runs(built)).toEqual(
      expect.arrayContaining([
        'Sun 25 Oct 2026, 02:30 GMT+2',
        'Sun 25 Oct 2026, 02:30 GMT+1',
        'Times in Europe/Berlin (your time-zone setting)',
        'Links expire at 05:31 GMT+1, in 3 h',
      ]),
    );
  });
});

describe('expiry', () => {
  it('says when links have expired and how to get new ones', () => {
    const built = build('audio-only-expired');
    expect(runs(built)).toContain('Links expired 10 min ago, at 14:40 GMT+2; use Refresh links for new ones');
  });

  it('adds the date when the expiry falls on another local day', () => {
    const built = build('seed-sample', 'direct', {
      temporaryDirectDownloadLinks: { audioDownloadLink: 'https://x.example/a', expiration: '2023-11-09T16:30:00Z' },
    });
    expect(runs(built)).toContain('Links expire at Fri 10 Nov 2023, 00:30 GMT+8, in 6 h 32 min');
  });
});

describe('group space with private links', () => {
  it('replaces downloads and notes with "Send me the download links"', () => {
    const built = build('all-links', 'group-private');
    expect(actionTitles(built)).toEqual(['Send me the download links', 'More details']);
    expect(submitData(built)[0]).toEqual({ action: 'sendLinks', recordingId: 'a1b2c3d4-0c89-492e-a3c3-c4751812603b' });
  });

  it('offers "Send me the download links" even when the requester got no links (the clicker may)', () => {
    expect(actionTitles(build('no-links', 'group-private'))).toEqual(['Send me the download links', 'More details']);
  });

  it('sends the clicker the 1:1 card by direct message', () => {
    const scenario = SCENARIOS.find((s) => s.fixture === 'all-links')!;
    const input = {
      recording: loadRecording('all-links'),
      timeZone: scenario.timeZone,
      zoneSource: scenario.zoneSource,
      now: new Date(scenario.now),
      requesterId: REQUESTER_ID,
    };
    expect(buildLinksCard(input)).toEqual(buildRecordingCard({ ...input, audience: 'direct' }));
  });
});

describe('long API values', () => {
  it('cuts a very long topic so the card stays small', () => {
    const built = build('seed-sample', 'direct', { topic: 'x'.repeat(20_000) });
    const topic = runs(built)[0];
    expect(Array.from(topic)).toHaveLength(300);
    expect(topic.endsWith('…')).toBe(true);
  });

  it('shows "(no topic)" for an empty topic', () => {
    expect(runs(build('seed-sample', 'direct', { topic: '' }))[0]).toBe('(no topic)');
  });
});
