import { recordingIdFromUrl } from '../../src/commands/parse';
import { parseCommand } from '../../src/commands/registry';

describe('parseCommand', () => {
  it.each([
    ['recording 62807eaf-0c89-492e-a3c3-c4751812603b', ['62807eaf-0c89-492e-a3c3-c4751812603b']],
    ['  /REC   7ee40776779243b4b3da448d941b34dc ', ['7ee40776779243b4b3da448d941b34dc']],
    ['Recording a b a c', ['a', 'b', 'c']],
    ['62807eaf-0c89-492e-a3c3-c4751812603b', ['62807eaf-0c89-492e-a3c3-c4751812603b']],
    ['https://example.webex.com/recordingservice/sites/x/recording/62807eaf-0c89-492e-a3c3-c4751812603b/playback', ['62807eaf-0c89-492e-a3c3-c4751812603b']],
    ['https://nsq1wss.dmz.webex.com/nbr/MultiThreadDownloadServlet?type=calling&recordUUID=62807eaf-0c89-492e-a3c3-c4751812603b', ['62807eaf-0c89-492e-a3c3-c4751812603b']],
  ])('%s → recording %j', (text, ids) => {
    expect(parseCommand(text)).toEqual({ name: 'recording', ids, invalid: [], tooMany: false });
  });

  it('flags invalid IDs without dropping them silently', () => {
    expect(parseCommand('recording ../etc/passwd')).toMatchObject({ name: 'recording', ids: [], invalid: ['../etc/passwd'] });
    expect(parseCommand('recording ' + 'a'.repeat(129))).toMatchObject({ ids: [], invalid: ['a'.repeat(129)] });
    expect(parseCommand('recording')).toEqual({ name: 'recording', ids: [], invalid: [], tooMany: false });
  });

  it('keeps at most 5 IDs and says so', () => {
    expect(parseCommand('rec a b c d e f')).toEqual({ name: 'recording', ids: ['a', 'b', 'c', 'd', 'e'], invalid: [], tooMany: true });
  });

  it.each([
    ['recordings', { count: 10, days: null }],
    ['recordings 20', { count: 20, days: null }],
    ['recordings 500', { count: 50, days: null, asked: 500 }],
    ['recordings 30d', { count: 10, days: 30 }],
    ['recordings 5 14d', { count: 5, days: 14 }],
  ])('%s', (text, expected) => {
    expect(parseCommand(text)).toEqual({ name: 'recordings', ...expected });
  });

  it.each([
    ['recordings deleted', { count: 10, days: null, filters: { deleted: true } }],
    ['recordings topic:budget review 20', { count: 20, days: null, filters: { topic: 'budget review' } }],
    ['recordings topic:"weekly sync" 30d deleted', { count: 10, days: 30, filters: { topic: 'weekly sync', deleted: true } }],
    ['recordings owner:Alice@Example.com 5 14d', { count: 5, days: 14, filters: { owner: 'alice@example.com' } }],
    ['recordings 30d owner:<mailto:bob@example.com>', { count: 10, days: 30, filters: { owner: 'bob@example.com' } }],
  ])('%s', (text, expected) => {
    expect(parseCommand(text)).toEqual({ name: 'recordings', ...expected });
  });

  it.each([
    ['recordings owner:nobody', 'email address'],
    ['recordings owner:alice@example.com 31d', '30 days'],
    ['recordings topic:', 'needs some words'],
  ])('explains %s', (text, words) => {
    expect(parseCommand(text)).toMatchObject({ name: 'recordings', problem: expect.stringContaining(words) });
  });

  it('explains bad list arguments', () => {
    expect(parseCommand('recordings lots')).toMatchObject({ name: 'recordings', problem: expect.stringContaining('lots') });
  });

  it.each([
    ['connect', { name: 'connect' }],
    ['Disconnect', { name: 'disconnect' }],
    ['timezone', { name: 'timezone', argument: null }],
    ['timezone Europe/Paris', { name: 'timezone', argument: 'Europe/Paris' }],
    ['timezone auto', { name: 'timezone', argument: 'auto' }],
    ['whoami', { name: 'whoami' }],
    ['status', { name: 'whoami' }],
    ['HELP', { name: 'help' }],
    ['hello there', { name: 'unknown', text: 'hello there' }],
    ['abc', { name: 'unknown', text: 'abc' }],
  ])('%s', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });
});

describe('recordingIdFromUrl', () => {
  it('ignores URLs without an ID and non-http schemes', () => {
    expect(recordingIdFromUrl('https://example.com/')).toBeNull();
    expect(recordingIdFromUrl('javascript:alert(1)')).toBeNull();
  });
});
