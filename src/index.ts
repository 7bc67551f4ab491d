/**
 * Entry point (Procfile `web:`). Composition only: read the configuration, start the bot, stop
 * gracefully on SIGTERM/SIGINT and after an uncaught exception (see last-resort.ts). A missing
 * or wrong setting (the bot token too) stops it with the config error: the local sandbox is a
 * development tool (dev/, started by `npm start` when no Webex bot is configured), not part of
 * this build.
 */
import type { RunningBot } from './app';
import { ConfigError, loadConfig, loadDotEnv } from './config';
import { installLastResort, routeConsoleTo } from './last-resort';
import { createLogger } from './log';
import { createMetrics } from './metrics';
import { reportStartupFailure } from './startup-failure';

/** What a start-up failure is explained against (the database's address once the configuration is read). */
const startupContext: { databaseUrl?: string } = {};

async function main(): Promise<void> {
  loadDotEnv();
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      reportStartupFailure(err, {});
      process.exit(1);
    }
    throw err;
  }
  startupContext.databaseUrl = config.databaseUrl;
  const logger = createLogger({ level: config.logLevel });
  const metrics = createMetrics();
  routeConsoleTo(logger);
  const { startBot, DRAIN_TIMEOUT_MS } = await import('./app');
  let running: RunningBot | null = null;
  installLastResort({
    logger,
    count: (kind) => metrics.recordProcessFault(kind),
    // Before the bot is up there is nothing to finish: the exit follows at once.
    stop: async () => running?.stop(),
    stopTimeoutMs: DRAIN_TIMEOUT_MS + 5_000,
  });
  let stopping = false;
  // Websocket mode: no socket for WEBSOCKET_GIVE_UP_MINUTES; the platform starts the bot again.
  const giveUp = () => stop('websocket gave up', 1);
  running = await startBot(config, { logger, metrics, onGiveUp: giveUp });
  function stop(reason: string, code = 0): void {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, code === 0 ? 'signal received' : 'stopping');
    // Every stop step is bounded; this bounds them all.
    setTimeout(() => process.exit(code === 0 ? 1 : code), DRAIN_TIMEOUT_MS + 10_000).unref();
    running!.stop().then(
      () => process.exit(code),
      (err: unknown) => {
        logger.error({ err: String(err) }, 'stop failed');
        process.exit(1);
      },
    );
  }
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  // The fatal line is JSON like every other line and names the setting to fix (startup-failure.ts).
  reportStartupFailure(err, startupContext);
  process.exit(1);
});
