/**
 * Operator's tool beside the running bot: `node dist/admin.js parked|replay <key>` (see
 * docs/deploy.md, "Parked events"). Reads the bot's own settings; touches only the inbox.
 */
import { ConfigError, loadConfig, loadDotEnv } from './config';
import { runAdmin } from './inbox/admin';
import { createLogger } from './log';
import { createStore } from './store';
import { resolveEncryptionKey } from './store/key';

async function main(): Promise<number> {
  loadDotEnv();
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example for every setting.\n`);
      return 1;
    }
    throw err;
  }
  const logger = createLogger({ level: 'warn', destination: process.stderr });
  const encryptionKey = resolveEncryptionKey({ configuredKey: config.tokenEncryptionKey ?? undefined, production: config.production, databaseUrl: config.databaseUrl, logger });
  const store = createStore({ url: config.databaseUrl, encryptionKey, logger, beside: true });
  try {
    await store.init();
    return await runAdmin(process.argv.slice(2), store, () => new Date(), (line) => process.stdout.write(`${line}\n`));
  } finally {
    await store.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exitCode = 1;
  },
);
