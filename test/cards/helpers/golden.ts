/**
 * Golden files: the exact card JSON and fallback of each scenario, committed under
 * `test/cards/__golden__/`. They are the reviewed specification of what the bot posts.
 * Run with `UPDATE_GOLDEN=1` to (re)write them after an intended change, then review the diff.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

const GOLDEN_DIR = join(__dirname, '..', '__golden__');

export function expectGolden(name: string, value: unknown): void {
  const file = join(GOLDEN_DIR, `${name}.json`);
  const actual = `${JSON.stringify(value, null, 2)}\n`;
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) {
    throw new Error(`golden file ${name}.json is missing: run the tests with UPDATE_GOLDEN=1, review and commit it`);
  }
  expect(JSON.parse(actual)).toEqual(JSON.parse(readFileSync(file, 'utf8')));
}
