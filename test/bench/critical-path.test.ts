import { criticalPath, describeCall, formatPath, medianIndex, type TimedCall } from '../../dev/bench/critical-path';

const call = (method: string, path: string, startedMs: number, endedMs: number): TimedCall => ({ method, path, startedMs, endedMs });

describe('latency bench: the calls in a row', () => {
  it('counts calls made at the same time once, and follows the longest chain of calls each made after the one before was answered', () => {
    const read = call('GET', '/v1/messages/Y2lzY29zcGFyazovL3VzL01FU1NBR0UvMQ', 0, 100);
    const details = call('GET', '/v1/convergedRecordings/bench-recording-1', 101, 201);
    const metadata = call('GET', '/v1/convergedRecordings/bench-recording-1/metadata', 102, 190);
    const name = call('GET', '/v1/people/Y2lzY29zcGFyazovL3VzL1BFT1BMRS8y', 203, 303);
    const post = call('POST', '/v1/messages', 304, 404);
    const chain = criticalPath([post, metadata, read, name, details]);
    expect(chain).toEqual([read, details, name, post]);
    expect(formatPath(chain, [read, details, metadata, name, post])).toBe(
      'GET /messages/{id} → (GET /convergedRecordings/{id} ∥ GET /convergedRecordings/{id}/metadata) → GET /people/{id} → POST /messages',
    );
  });

  it('a call that starts before the previous one is answered is not in a row with it', () => {
    expect(criticalPath([call('GET', '/a', 0, 100), call('GET', '/b', 99, 199)])).toHaveLength(1);
    expect(criticalPath([])).toEqual([]);
  });

  it('prints a call without its IDs and query values', () => {
    expect(describeCall({ method: 'GET', path: '/v1/memberships?roomId=Y2lzY29zcGFyazovL3VzL1JPT00vMQ&personId=abc' })).toBe('GET /memberships?roomId&personId');
    expect(describeCall({ method: 'GET', path: '/v1/people/me' })).toBe('GET /people/me');
  });

  it('takes the median sample (the lower middle of an even count)', () => {
    expect(medianIndex([300, 100, 200])).toBe(2);
    expect(medianIndex([4, 1, 3, 2])).toBe(3);
    expect(medianIndex([])).toBe(-1);
  });
});
