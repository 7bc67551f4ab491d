import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOT_ENTRY } from './harness';
import { DEADLINE_MS } from '../support/waiting';

/** Runs the production build to its exit; returns the exit code and the JSON lines of standard error. */
function start(env: NodeJS.ProcessEnv): { status: number | null; lines: Array<Record<string, unknown>>; stderr: string } {
  const run = spawnSync(process.execPath, [BOT_ENTRY], {
    cwd: mkdtempSync(join(tmpdir(), 'recbot-startup-')),
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: DEADLINE_MS,
  });
  const lines = run.stderr.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  return { status: run.status, lines, stderr: run.stderr };
}

describe('a failed start prints one JSON line naming the settings to fix', () => {
  it('the empty production environment: every problem at once, the key and the sign-in address included', () => {
    const run = start({ NODE_ENV: 'production' });
    expect(run.status).toBe(1);
    expect(run.lines).toHaveLength(1);
    expect(run.lines[0]).toMatchObject({ level: 60, msg: 'the bot could not start' });
    expect(run.lines[0]!.settings).toEqual(expect.arrayContaining(['WEBEX_BOT_TOKEN', 'WEBEX_CLIENT_ID', 'WEBEX_CLIENT_SECRET', 'TOKEN_ENCRYPTION_KEY', 'SIGN_IN_URL']));
  });

  it('a database that refuses the connection names DATABASE_URL and never prints its password', () => {
    const run = start({ WEBEX_BOT_TOKEN: 't', WEBEX_CLIENT_ID: 'c', WEBEX_CLIENT_SECRET: 's', DATABASE_URL: 'postgres://bot:hunter2-secret@127.0.0.1:1/bot', LOG_LEVEL: 'silent' });
    expect(run.status).toBe(1);
    expect(run.lines).toHaveLength(1);
    expect(run.lines[0]).toMatchObject({ level: 60, settings: ['DATABASE_URL'] });
    expect(run.stderr).not.toContain('hunter2-secret');
  });
});
