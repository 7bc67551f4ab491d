import type { EmulatorOptions } from '../../dev/sandbox/emulator';
import { connectPerson, createWorld, startBotProcess, type BotProcess, type World } from './harness';

/**
 * One e2e world: the emulator (createWorld's people and spaces), the built bot as a child process
 * wired to it, and the people who are to be signed in, signed in the way a person does
 * (connectPerson, the one sign-in flow). `close()` stops the bot and the emulator.
 */
export interface BotWorld extends World {
  readonly bot: BotProcess;
  close(): Promise<void>;
}

export async function startWorld(
  options: {
    emulator?: EmulatorOptions;
    /** The bot's environment beside the harness's (COMMANDS_PER_MINUTE, LOG_LEVEL…). */
    env?: Record<string, string>;
    /** Runs on the world before the bot starts (recordings, more people and spaces). */
    prepare?: (world: World) => void | Promise<void>;
    /** Who signs in once the bot is ready. */
    signIn?: Array<'alice' | 'bob'>;
  } = {},
): Promise<BotWorld> {
  const world = await createWorld(options.emulator);
  let bot: BotProcess | undefined;
  try {
    await options.prepare?.(world);
    bot = await startBotProcess(world.emulator, world.botToken, options.env);
    for (const name of options.signIn ?? []) {
      await connectPerson(world, world[name], name === 'alice' ? world.aliceDirect : world.bobDirect);
    }
  } catch (err) {
    await bot?.stop('SIGKILL');
    await world.emulator.close();
    throw err;
  }
  const started = bot;
  return {
    ...world,
    bot: started,
    async close() {
      await started.stop();
      await world.emulator.close();
    },
  };
}
