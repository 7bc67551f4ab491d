/** Asking the person to sign in: the connect card, and the request kept to answer once they have. */
import { buildConnectCard } from '../cards';
import type { Context } from '../replies/context';
import type { Services } from '../services';
import type { NotConnectedError } from '../auth/tokens';
import type { PendingRequest } from '../store/types';

/**
 * The requests kept before sign-in, each distinct one once (the first time it was asked): the
 * same text asked again in the same space while waiting is answered once, not once per asking.
 */
export function uniqueRequests<R extends Pick<PendingRequest, 'roomId' | 'text'>>(requests: readonly R[]): R[] {
  const seen = new Set<string>();
  return requests.filter((request) => {
    const key = `${request.roomId}\n${request.text.trim().replace(/\s+/g, ' ').toLowerCase()}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The group-space note when a command needs a sign-in first. */
export const SIGN_IN_FIRST_NOTE = "To do that I need you to sign in with Webex first. I've sent you a sign-in link in a direct message.";

/** The connect card's first line for a kept request (the card itself says why sign-in is needed). */
export const SIGN_IN_PENDING_REASON = 'Sign in once and I will answer your request.';
export const SIGN_IN_EXPIRED_REASON = 'Your Webex sign-in has expired. Sign in again and I will answer your request.';
/** The same for a card click. */
export const SIGN_IN_CLICK_REASON = 'Sign in once and I will send you what you asked for.';

/**
 * Sends the connect card. In a group space the card (whose link is bound to the person) goes by
 * direct message, with a short note in the space.
 */
export async function sendConnectCard(services: Services, ctx: Context, reason?: string, groupNote: string = SIGN_IN_FIRST_NOTE): Promise<void> {
  const authorizeUrl = await services.signIn.start(ctx.personId);
  const { card, fallback } = buildConnectCard({ authorizeUrl, ...(reason ? { reason } : {}) });
  if (ctx.roomType === 'group') {
    await ctx.reply({ markdown: groupNote });
  }
  await ctx.direct({ markdown: fallback, card });
}

/** Not connected: the connect card, and the request kept to answer once they are. */
export async function askToConnect(services: Services, ctx: Context, err: NotConnectedError, request: { messageId: string; text: string }): Promise<'not-connected'> {
  await services.store.addPendingRequest({
    personId: ctx.personId,
    roomId: ctx.roomId,
    roomType: ctx.roomType,
    messageId: request.messageId,
    text: request.text,
    createdAt: services.now(),
  });
  await sendConnectCard(
    services,
    ctx,
    err.reason === 'refresh-refused' ? SIGN_IN_EXPIRED_REASON : SIGN_IN_PENDING_REASON,
  );
  return 'not-connected';
}
