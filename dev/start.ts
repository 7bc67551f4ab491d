/**
 * `npm start`: the local sandbox when no Webex bot is configured (see `wantsSandbox` in
 * src/config.ts), so a newcomer can try the bot with no account; the bot itself otherwise, from
 * the production build (`dist/index.js`, what the Procfile runs).
 */
import path from 'node:path';
import { loadDotEnv, wantsSandbox } from '../src/config';

loadDotEnv();
if (wantsSandbox()) {
  void import('./sandbox/main').then(({ main }) => main()).catch((err: unknown) => {
    process.stderr.write(`The sandbox could not start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
} else {
  // dist-dev/dev/start.js → dist/index.js
  require(path.resolve(__dirname, '../../dist/index.js'));
}
