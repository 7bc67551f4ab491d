import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The built sandbox as `npm run sandbox` and the README's first command start it: one process,
 * no configuration but PORT, the page answering within 5 seconds, a clean stop on SIGTERM.
 */

const DIST = resolve(__dirname, '../../dist');
const START_BUDGET_MS = 5_000;

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

interface Started {
  child: ChildProcess;
  ms: number;
  stdout: () => string;
}

/** Spawns `entry` with only PATH and PORT, and times it until GET / answers 200. */
async function startAndTime(entry: string): Promise<Started> {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build first`);
  const port = await freePort();
  const started = process.hrtime.bigint();
  // An empty working directory: no .env, no data folder.
  const child = spawn(process.execPath, [entry], { cwd: mkdtempSync(join(tmpdir(), 'recbot-sandbox-')), env: { PATH: process.env.PATH ?? '', PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr!.on('data', () => undefined);
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}: ${out}`);
    const ok = await fetch(`http://localhost:${port}/`).then((r) => r.status === 200, () => false);
    if (ok) return { child, ms: Number(process.hrtime.bigint() - started) / 1e6, stdout: () => out };
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

test(`node dist/sandbox/main.js answers on PORT in under ${START_BUDGET_MS / 1000} s and stops cleanly`, async () => {
  const { child, ms, stdout } = await startAndTime(join(DIST, 'sandbox/main.js'));
  running.push(child);
  expect(ms).toBeLessThan(START_BUDGET_MS);
  expect(stdout()).toMatch(/^RecBot sandbox: open http:\/\/localhost:\d+ /);
  await expect(stop(child)).resolves.toBe(0);
}, 20_000);

test('without a bot token, node dist/index.js opens the sandbox', async () => {
  const { child, stdout } = await startAndTime(join(DIST, 'index.js'));
  running.push(child);
  expect(stdout()).toContain('RecBot sandbox: open http://localhost:');
  child.kill('SIGTERM');
}, 20_000);
