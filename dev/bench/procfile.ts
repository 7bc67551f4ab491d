import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository's Procfile, what operators run: the nearest one above this file (dev/bench or its build). */
function procfilePath(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'Procfile'))) return join(dir, 'Procfile');
    if (dirname(dir) === dir) throw new Error('no Procfile above the bench');
  }
}

/**
 * The Node options of the Procfile's `web:` process (`web: node --max-old-space-size=1024
 * dist/index.js` → `['--max-old-space-size=1024']`), so that the bench runs every bot the way the
 * bot is deployed. Throws when there is no `web: node …` line.
 */
export function webNodeOptions(procfile: string): string[] {
  const line = procfile.split(/\r?\n/).find((l) => /^web:/.test(l.trim()));
  const words = line?.trim().slice('web:'.length).trim().split(/\s+/) ?? [];
  if (words[0] !== 'node') throw new Error('the Procfile has no "web: node …" process');
  const options: string[] = [];
  for (const word of words.slice(1)) {
    if (!word.startsWith('-')) break;
    options.push(word);
  }
  return options;
}

export function deployedNodeOptions(): string[] {
  return webNodeOptions(readFileSync(procfilePath(), 'utf8'));
}
