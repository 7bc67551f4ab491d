/**
 * Builds `dist/` (tsconfig.build.json) or `dist-dev/` (tsconfig.dev.json) only when a source
 * changed since the last build, so a second `npm start` on an unchanged tree starts at once.
 *
 * "Changed" is by modification time: the newest file or folder under the project's sources
 * (folders count, so a deleted file is noticed), the tsconfig files and package-lock.json, against
 * the stamp `<out>/.built`, whose time is set to when the build began (an edit made during a build
 * is seen next time). When something changed, tsc runs incrementally (`<out>/.tsbuildinfo`);
 * `npm run build` still deletes the folder and builds from nothing.
 *
 * Usage: node scripts/build-if-changed.js dist|dist-dev
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const TARGETS = {
  dist: { project: 'tsconfig.build.json', sources: ['src'] },
  'dist-dev': { project: 'tsconfig.dev.json', sources: ['src', 'dev'] },
};

/** Newest modification time (ms) of a file, or of a folder and everything in it. */
function newestMtime(target) {
  let stat;
  try {
    stat = fs.statSync(target);
  } catch {
    return 0;
  }
  let newest = stat.mtimeMs;
  if (stat.isDirectory()) {
    for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
}

/** True when `out` is older than any of its inputs (or was never built). */
function isStale(out, dir = root) {
  const { project, sources } = TARGETS[out];
  const built = newestMtime(path.join(dir, out, '.built'));
  if (built === 0) return true;
  const inputs = [...sources, project, 'tsconfig.json', 'package-lock.json'].map((name) => path.join(dir, name));
  return inputs.some((input) => newestMtime(input) > built);
}

/** Builds `out` of the project in `dir` when stale; returns tsc's exit code (0 when nothing was to do). */
function build(out, dir = root) {
  if (!isStale(out, dir)) return 0;
  const began = new Date();
  const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  const args = [tsc, '-p', TARGETS[out].project, '--incremental', '--tsBuildInfoFile', path.join(out, '.tsbuildinfo')];
  const run = spawnSync(process.execPath, args, { cwd: dir, stdio: 'inherit' });
  if (run.status !== 0) return run.status ?? 1;
  const stamp = path.join(dir, out, '.built');
  fs.writeFileSync(stamp, '');
  fs.utimesSync(stamp, began, began);
  return 0;
}

module.exports = { build, isStale };

if (require.main === module) {
  const out = process.argv[2];
  if (!(out in TARGETS)) {
    process.stderr.write(`usage: node scripts/build-if-changed.js ${Object.keys(TARGETS).join('|')}\n`);
    process.exit(2);
  }
  process.exit(build(out));
}
