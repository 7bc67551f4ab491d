/**
 * The start part of `npm run bench`: how long `node dist-dev/dev/sandbox/main.js` (what
 * `npm start` opens with no Webex setting) takes from spawn to its page answering 200, in an
 * empty folder with only PATH and PORT, as a newcomer starts it. Target: under 5 s.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './load';
import { percentile } from './measure';

const SANDBOX_ENTRY = resolve(__dirname, '../sandbox/main.js');
export const SANDBOX_START_TARGET_MS = 5_000;

async function timeSandboxStart(): Promise<number> {
  const port = await freePort();
  const cwd = mkdtempSync(join(tmpdir(), 'recbot-bench-start-'));
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [SANDBOX_ENTRY], { cwd, env: { PATH: process.env.PATH ?? '', PORT: String(port) }, stdio: 'ignore' });
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the sandbox exited with ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.status === 200, () => false);
      if (ok) return Number(process.hrtime.bigint() - started) / 1e6;
      if (Date.now() > deadline) throw new Error('the sandbox did not answer within 30 s');
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    const exited = once(child, 'exit');
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(cwd, { recursive: true, force: true });
  }
}

export async function measureSandboxStart(runs: number): Promise<string> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timeSandboxStart());
  const median = percentile(times, 50);
  const worst = Math.max(...times);
  return [
    `sandbox start, spawn to page (ms), ${runs} runs: ${times.map((t) => t.toFixed(0)).join(', ')}`,
    `median ${median.toFixed(0)} ms, slowest ${worst.toFixed(0)} ms`,
    `${worst < SANDBOX_START_TARGET_MS ? 'PASS' : 'FAIL'}  sandbox start     every run < ${SANDBOX_START_TARGET_MS / 1000} s`,
  ].join('\n');
}
