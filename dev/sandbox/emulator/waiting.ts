/** Waiting for messages in tests, with a readable failure listing what did arrive. */
import type { EmulatorState } from './state';
import type { EmulatorMessage } from './types';

export function waitForMessage(
  state: EmulatorState,
  predicate: (m: EmulatorMessage) => boolean,
  timeoutMs: number,
): Promise<EmulatorMessage> {
  return new Promise<EmulatorMessage>((resolve, reject) => {
    const test = (m: EmulatorMessage): boolean => {
      try {
        return predicate(m);
      } catch {
        return false;
      }
    };
    const existing = [...state.messages.values()].map((s) => s.message).find(test);
    if (existing) {
      resolve(existing);
      return;
    }
    const onMessage = (m: EmulatorMessage): void => {
      if (!test(m)) return;
      cleanup();
      resolve(m);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`waitForMessage: no matching message within ${timeoutMs} ms. Latest messages:\n${describeRecentMessages(state)}`));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      state.events.off('message', onMessage);
    };
    state.events.on('message', onMessage);
  });
}

export function describeRecentMessages(state: EmulatorState, limit = 10): string {
  const recent = [...state.messages.values()].slice(-limit);
  if (recent.length === 0) return '  (no messages at all)';
  return recent
    .map(({ message: m }) => {
      const room = state.rooms.get(m.roomId);
      const where = room?.type === 'group' ? `group "${room.title ?? ''}"` : 'direct';
      const text = (m.text ?? m.markdown ?? '').replace(/\s+/g, ' ').slice(0, 140);
      const card = m.attachments?.length ? ' [card]' : '';
      const warn = m.warnings.length ? ` [warnings: ${m.warnings.join('; ')}]` : '';
      return `  - ${m.created} ${where} ${m.personEmail}: ${text}${card}${warn}`;
    })
    .join('\n');
}
