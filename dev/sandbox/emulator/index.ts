/**
 * Local Webex emulator: the part of the Webex REST API (people, rooms, memberships, messages,
 * attachment actions, webhooks, converged recordings, OAuth) that the bot and
 * webex-node-bot-framework use, with webhook delivery, fault injection and a control API; and
 * websocket mode (U2C catalog, WDM devices, Mercury socket and its faults: see mercury.ts).
 */
import { Emulator } from './emulator';
import { controlRouter } from './routes/control';
import type { EmulatorOptions } from './types';

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = new Emulator(options);
  await emulator.listen(controlRouter(emulator));
  return emulator;
}

export { Emulator };
export { signBody } from './webhooks';
export { webexId, decodeWebexId } from './ids';
export { silentMp3 } from './mp3';
export * from './types';
export type { DeviceView, FrameRecord, SocketFilter, SocketRecord } from './mercury';
