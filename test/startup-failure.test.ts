import { Writable } from 'node:stream';
import { ConfigError, loadConfig } from '../src/config';
import { silentLogger } from '../src/log';
import { explainStartupFailure, reportStartupFailure } from '../src/startup-failure';
import { createStore } from '../src/store';
import { WebexApiError } from '../src/webex/errors';

const key = Buffer.alloc(32, 1);

/** The error a real store start gives for this DATABASE_URL. */
async function storeFailure(url: string): Promise<unknown> {
  const store = createStore({ url, encryptionKey: key, logger: silentLogger() });
  try {
    await store.init();
  } catch (err) {
    await store.close().catch(() => undefined);
    return err;
  }
  await store.close();
  throw new Error('expected the store to fail');
}

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
  }
  throw new Error('expected a ConfigError');
}

function lines(write: (out: Writable) => void): Array<Record<string, unknown>> {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  write(out);
  return text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('start-up failures name the setting to fix', () => {
  it('a bot token Webex refuses names WEBEX_BOT_TOKEN', () => {
    const err = new WebexApiError({ kind: 'http', status: 401, method: 'GET', path: '/people/me', secrets: ['tok'] });
    const failure = explainStartupFailure(err, {});
    expect(failure.settings).toEqual(['WEBEX_BOT_TOKEN']);
    expect(failure.problems.join('\n')).toMatch(/WEBEX_BOT_TOKEN.*refused/);
  });

  it('Webex out of reach names WEBEX_API_URL', () => {
    const err = new WebexApiError({ kind: 'network', status: 0, method: 'GET', path: '/people/me', networkCode: 'ECONNREFUSED' });
    expect(explainStartupFailure(err, {}).settings).toEqual(['WEBEX_API_URL']);
  });

  it('a database nobody listens on names DATABASE_URL, without its password', async () => {
    const url = 'postgres://someone:hunter2-secret@127.0.0.1:1/nothing';
    const failure = explainStartupFailure(await storeFailure(url), { databaseUrl: url });
    expect(failure.settings).toEqual(['DATABASE_URL']);
    expect(failure.problems.join('\n')).toMatch(/DATABASE_URL/);
    expect(failure.problems.join('\n')).not.toContain('hunter2-secret');
  });

  it('a database that does not exist names DATABASE_URL', async () => {
    const url = 'postgres://postgres@127.0.0.1:5432/no_such_database_firsthour';
    const failure = explainStartupFailure(await storeFailure(url), { databaseUrl: url });
    expect(failure.settings).toEqual(['DATABASE_URL']);
    expect(failure.problems.join('\n')).toMatch(/DATABASE_URL.*does not exist/);
  });

  it('a SQLite file that cannot be opened names DATABASE_URL', async () => {
    const url = 'sqlite:/proc/version/bot.sqlite';
    const failure = explainStartupFailure(await storeFailure(url).catch((err: unknown) => err), { databaseUrl: url });
    expect(failure.settings).toEqual(['DATABASE_URL']);
  });

  it('a configuration error lists every problem and every setting', () => {
    const failure = explainStartupFailure(configError({ NODE_ENV: 'production' }), {});
    // Each problem's own setting, not every setting its sentence mentions (NODE_ENV, PUBLIC_URL).
    expect(failure.settings).toEqual(['WEBEX_BOT_TOKEN', 'WEBEX_CLIENT_ID', 'WEBEX_CLIENT_SECRET', 'TOKEN_ENCRYPTION_KEY', 'SIGN_IN_URL']);
    expect(failure.problems.length).toBeGreaterThanOrEqual(5);
  });

  it('the fatal line is one JSON log line with the problems and the settings', () => {
    const [line] = lines((out) => reportStartupFailure(configError({ NODE_ENV: 'production' }), {}, out));
    expect(line).toMatchObject({ level: 60, msg: expect.stringContaining('could not start'), settings: expect.arrayContaining(['TOKEN_ENCRYPTION_KEY']) });
    expect((line!.problems as string[]).join('\n')).toContain('WEBEX_CLIENT_SECRET');
    expect(line!.help).toContain('.env.example');
    // Every log line's time is an ISO 8601 timestamp (UTC), as operators read and sort them.
    expect(line!.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });
});
