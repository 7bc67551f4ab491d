import { freePort } from '../../dev/free-port';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEADLINE_MS } from '../support/waiting';

/**
 * The built sandbox as `npm run sandbox` and the README's first command (`npm start`) start it:
 * one process, no configuration but PORT, the page answering, a clean stop on SIGTERM. The production build (dist/) holds no sandbox: without a token it stops with the
 * config error, and so does `npm start` when anything says a real Webex bot is meant.
 */

const DIST = resolve(__dirname, '../../dist');
const DIST_DEV = resolve(__dirname, '../../dist-dev/dev');


interface Started {
  child: ChildProcess;
  stdout: () => string;
}

/** Spawns `entry` with only PATH and PORT, and waits until GET / answers 200. */
async function startAndTime(entry: string): Promise<Started> {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build first`);
  const port = await freePort();
  // An empty working directory: no .env, no data folder.
  const child = spawn(process.execPath, [entry], { cwd: mkdtempSync(join(tmpdir(), 'recbot-sandbox-')), env: { PATH: process.env.PATH ?? '', PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr!.on('data', () => undefined);
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}: ${out}`);
    const ok = await fetch(`http://localhost:${port}/`).then((r) => r.status === 200, () => false);
    if (ok) return { child, stdout: () => out };
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${entry} did not answer in time: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const [code] = await exited;
  return code as number | null;
}

const running: ChildProcess[] = [];
afterAll(async () => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Runs `entry` with only PATH and `env` until it exits by itself. */
async function runToExit(entry: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [entry], { cwd: mkdtempSync(join(tmpdir(), 'recbot-start-')), env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  child.stdout!.on('data', () => undefined);
  const [code] = await once(child, 'exit');
  return { code: code as number | null, stderr };
}

// How fast it starts is measured by `npm run bench -- start`, not asserted here (shared machines).
test('node dist-dev/dev/sandbox/main.js answers on PORT with the page and stops cleanly', async () => {
  const { child, stdout } = await startAndTime(join(DIST_DEV, 'sandbox/main.js'));
  running.push(child);
  expect(stdout()).toMatch(/^RecBot sandbox: open http:\/\/localhost:\d+ /);
  await expect(stop(child)).resolves.toBe(0);
});

test("with no Webex setting, npm start's entry opens the sandbox", async () => {
  const { child, stdout } = await startAndTime(join(DIST_DEV, 'start.js'));
  running.push(child);
  expect(stdout()).toContain('RecBot sandbox: open http://localhost:');
  await expect(stop(child)).resolves.toBe(0);
});

test('the production build has no sandbox: node dist/index.js without a token stops with the config error', async () => {
  expect(existsSync(join(DIST, 'sandbox'))).toBe(false);
  expect(existsSync(join(DIST, 'bench'))).toBe(false);
  const { code, stderr } = await runToExit(join(DIST, 'index.js'), {});
  expect(code).toBe(1);
  expect(stderr).toMatch(/WEBEX_BOT_TOKEN/);
});

test.each([
  ['NODE_ENV=production', { NODE_ENV: 'production' }],
  ['a Webex setting (PUBLIC_URL) without a token', { PUBLIC_URL: 'https://bot.example.com' }],
  ['an Integration client ID without a token', { WEBEX_CLIENT_ID: 'C-123' }],
])("with %s, npm start's entry stops with the config error instead of opening the sandbox", async (_name, env) => {
  const { code, stderr } = await runToExit(join(DIST_DEV, 'start.js'), env);
  expect(code).toBe(1);
  expect(stderr).toMatch(/WEBEX_BOT_TOKEN/);
  expect(stderr).not.toMatch(/sandbox/i);
});
