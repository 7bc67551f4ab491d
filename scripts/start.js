/**
 * `npm start`. Builds `dist/` when a source changed (build-if-changed.js), then asks the built
 * configuration module whether a Webex bot is configured (`wantsSandbox` in src/config.ts, which
 * also reads `.env`): if so, the bot runs from `dist/index.js` as the Procfile runs it (a
 * configuration error is printed without building anything else); if not, `dist-dev/` is built
 * when needed and the local sandbox opens (dev/start.ts).
 */
'use strict';
const path = require('node:path');
const { build } = require('./build-if-changed');

const root = path.resolve(__dirname, '..');
const built = build('dist');
if (built !== 0) process.exit(built);
const { loadDotEnv, wantsSandbox } = require(path.join(root, 'dist/config.js'));
loadDotEnv(path.join(root, '.env'));
if (!wantsSandbox()) {
  require(path.join(root, 'dist/index.js'));
} else {
  const builtDev = build('dist-dev');
  if (builtDev !== 0) process.exit(builtDev);
  require(path.join(root, 'dist-dev/dev/start.js'));
}
