import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { build, isStale } = require('../../scripts/build-if-changed.js') as {
  build(out: string, dir: string): number;
  isStale(out: string, dir: string): boolean;
};

/** A tiny project shaped like this one: src/, the tsconfig files, a lock file. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'recbot-build-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src/a.ts'), 'export const a = 1;\n');
  writeFileSync(join(dir, 'src/b.ts'), 'export const b = 2;\n');
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, types: [] } }));
  writeFileSync(join(dir, 'tsconfig.build.json'), JSON.stringify({ extends: './tsconfig.json', compilerOptions: { rootDir: 'src', outDir: 'dist' }, include: ['src'] }));
  writeFileSync(join(dir, 'package-lock.json'), '{}');
  return dir;
}

/** Every input an hour before the stamp, whatever the clock's resolution. */
function ageInputs(dir: string): void {
  const old = new Date(statSync(join(dir, 'dist/.built')).mtimeMs - 3_600_000);
  for (const name of ['src/a.ts', 'src/b.ts', 'src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json']) {
    try {
      utimesSync(join(dir, name), old, old);
    } catch {
      // deleted by the test
    }
  }
}

describe('npm start builds only what changed (scripts/build-if-changed.js)', () => {
  let dir: string;
  beforeEach(() => (dir = project()));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('builds a project never built, then finds it up to date without running tsc', () => {
    expect(isStale('dist', dir)).toBe(true);
    expect(build('dist', dir)).toBe(0);
    expect(statSync(join(dir, 'dist/a.js')).isFile()).toBe(true);
    ageInputs(dir);
    expect(isStale('dist', dir)).toBe(false);
    const stamp = statSync(join(dir, 'dist/.built')).mtimeMs;
    expect(build('dist', dir)).toBe(0);
    expect(statSync(join(dir, 'dist/.built')).mtimeMs).toBe(stamp);
  }, 60_000);

  it('sees an edited source, a deleted source and a changed tsconfig', () => {
    expect(build('dist', dir)).toBe(0);
    ageInputs(dir);
    const future = new Date(statSync(join(dir, 'dist/.built')).mtimeMs + 3_600_000);

    utimesSync(join(dir, 'src/a.ts'), future, future);
    expect(isStale('dist', dir)).toBe(true);
    ageInputs(dir);

    rmSync(join(dir, 'src/b.ts'));
    utimesSync(join(dir, 'src'), future, future); // what the deletion does to the folder
    expect(isStale('dist', dir)).toBe(true);
    ageInputs(dir);

    utimesSync(join(dir, 'tsconfig.json'), future, future);
    expect(isStale('dist', dir)).toBe(true);
  }, 60_000);

  it('a failed build leaves no stamp, so the next start builds again', () => {
    writeFileSync(join(dir, 'src/a.ts'), 'export const a: number = "not a number";\n');
    expect(build('dist', dir)).not.toBe(0);
    expect(isStale('dist', dir)).toBe(true);
  }, 60_000);

  it('a build run by `npm run build` (the folder deleted) is not mistaken for up to date', () => {
    expect(build('dist', dir)).toBe(0);
    rmSync(join(dir, 'dist'), { recursive: true });
    expect(isStale('dist', dir)).toBe(true);
  }, 60_000);
});
