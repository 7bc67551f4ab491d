import type { RecordingSubscription } from '../store/types';

/** One sentence on what `notify` has switched on for this person, as seen from this space. */
export function describeNotifications(sub: RecordingSubscription | null, ctx: { roomId: string; roomType: string }): string {
  if (!sub) return 'New-recording notifications: **off**. Send `notify on` and I will send you each new recording as it arrives.';
  const parts: string[] = [];
  if (sub.direct) parts.push('sent to you by direct message');
  if (sub.roomIds.length > 0) {
    const here = ctx.roomType === 'group' && sub.roomIds.includes(ctx.roomId);
    const others = sub.roomIds.length - (here ? 1 : 0);
    const spaces = [here ? 'this space' : '', others > 0 ? `${others} ${here ? 'other ' : ''}group space${others === 1 ? '' : 's'}` : ''].filter(Boolean).join(' and ');
    parts.push(`announced in ${spaces}`);
  }
  return `New-recording notifications: **on**, ${parts.join('; also ')}. \`notify off\` stops them.`;
}
