import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/** Another process holding `BEGIN EXCLUSIVE` on the file until told to commit. */
export function lockHolder(file: string): { locked: Promise<void>; release(): Promise<void>; child: ChildProcessWithoutNullStreams } {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.exec('BEGIN EXCLUSIVE');
    db.exec("CREATE TABLE IF NOT EXISTS lock_holder (x INTEGER)");
    db.exec('INSERT INTO lock_holder VALUES (1)');
    process.stdout.write('locked\\n');
    process.stdin.once('data', () => { db.exec('COMMIT'); db.close(); process.stdout.write('released\\n'); process.exit(0); });
  `;
  const child = spawn(process.execPath, ['-e', script, file], { cwd: process.cwd() });
  let out = '';
  const seen = (word: string) =>
    new Promise<void>((resolve, reject) => {
      const look = () => {
        if (out.includes(word)) resolve();
      };
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        look();
      });
      child.once('exit', () => (out.includes(word) ? resolve() : reject(new Error(`lock holder exited before "${word}"`))));
    });
  const locked = seen('locked');
  const released = seen('released');
  return {
    child,
    locked,
    async release() {
      child.stdin.write('go\n');
      await released;
    },
  };
}

