/** The emulator's parts wired together: state, services and the fault injector. */
import { FaultInjector } from './faults';
import { MercuryService } from './mercury';
import { MessagingService } from './messaging';
import { OAuthService } from './oauth';
import { RecordingService } from './recordings';
import { RoomService } from './rooms';
import { EmulatorState, resolveConfig } from './state';
import type { EmulatorOptions } from './types';
import { WebhookDispatcher } from './webhooks';

export interface EmulatorContext {
  state: EmulatorState;
  faults: FaultInjector;
  dispatcher: WebhookDispatcher;
  rooms: RoomService;
  messaging: MessagingService;
  recordings: RecordingService;
  oauth: OAuthService;
  mercury: MercuryService;
}

export function createContext(options: EmulatorOptions = {}): EmulatorContext {
  const state = new EmulatorState(resolveConfig(options));
  const dispatcher = new WebhookDispatcher(state);
  const rooms = new RoomService(state, dispatcher);
  const mercury = new MercuryService(state);
  dispatcher.observe((event) => mercury.onDomainEvent(event));
  return {
    state,
    faults: new FaultInjector(),
    dispatcher,
    rooms,
    messaging: new MessagingService(state, rooms, dispatcher),
    recordings: new RecordingService(state),
    oauth: new OAuthService(state),
    mercury,
  };
}
