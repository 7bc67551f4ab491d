import { buildConnectCard, zoneSourceWords } from '../cards';
import type { Context } from '../bot/context';
import type { Services } from '../bot/services';
import { resolveZone } from '../bot/zone';
import { canonicalTimeZone, escapeMarkdown } from '../format';
import type { Handler } from './router';

/**
 * Sends the connect card. In a group space the card (whose link is bound to the person) goes by
 * direct message, with a short note in the space.
 */
export async function sendConnectCard(services: Services, ctx: Context, reason?: string): Promise<void> {
  const authorizeUrl = await services.signIn.start(ctx.personId);
  const { card, fallback } = buildConnectCard({ authorizeUrl, ...(reason ? { reason } : {}) });
  if (ctx.roomType === 'group') {
    await ctx.reply({ markdown: "To do that I need you to sign in with Webex first. I've sent you a sign-in link in a direct message." });
  }
  await ctx.direct({ markdown: fallback, card });
}

export const connect: Handler<{ name: 'connect' }> = async (services, ctx) => {
  await sendConnectCard(services, ctx);
  return 'ok';
};

export const disconnect: Handler<{ name: 'disconnect' }> = async (services, ctx) => {
  const account = await services.store.getAccount(ctx.personId);
  await services.store.deletePerson(ctx.personId);
  await ctx.reply({
    markdown: account
      ? 'Done: I have deleted your Webex tokens and settings. Send **connect** whenever you want to link your account again.'
      : 'You were not connected, and I hold nothing about you now.',
  });
  return 'ok';
};

export const whoami: Handler<{ name: 'whoami' }> = async (services, ctx) => {
  const account = await services.store.getAccount(ctx.personId);
  const { zone, source } = await resolveZone(
services, ctx.personId, null);
  const zoneLine = `Time zone: **${zone}**, from ${zoneSourceWords(source)}.`;
  if (!account) {
    await ctx.reply({ markdown: `You have not linked a Webex account yet: send **connect** to sign in.\n\n${zoneLine}` });
    return 'ok';
  }
  const recordingScopes = account.tokens.scopes.filter((s) => s.includes('recordings'));
  const scopeText = recordingScopes.length ? recordingScopes.map((s) => `\`${s}\``).join(', ') : 'none (ask your Webex admin)';
  await ctx.reply({
    markdown: [`Linked Webex account: ${escapeMarkdown(account.email)}`, `Recording scopes: ${scopeText}`, zoneLine].join('\n\n'),
  });
  return 'ok';
};

export const timezone: Handler<{ name: 'timezone'; argument: string | null }> = async (services, ctx, command) => {
  if (command.argument === null) {
    const { zone, source } = await resolveZone(services, ctx.personId, null);
    await ctx.reply({ markdown: `Times are shown in **${zone}**, from ${zoneSourceWords(source)}. Set another with \`timezone Europe/Paris\`, or \`timezone auto\` to follow your Webex profile.` });
    return 'ok';
  }
  if (command.argument.toLowerCase() === 'auto') {
    await services.store.setTimezoneOverride(ctx.personId, null);
    const { zone, source } = await resolveZone(services, ctx.personId, null);
    await ctx.reply({ markdown: `Your own time-zone setting is cleared. Times are shown in **${zone}**, from ${zoneSourceWords(source)}.` });
    return 'ok';
  }
  const zone = canonicalTimeZone(command.argument);
  if (!zone) {
    await ctx.reply({ markdown: `"${escapeMarkdown(command.argument)}" is not an IANA time zone. Try for example \`timezone Europe/Paris\` or \`timezone America/New_York\`.` });
    return 'invalid';
  }
  await services.store.setTimezoneOverride(ctx.personId, zone);
  await ctx.reply({ markdown: `Done: times are now shown in **${zone}**. \`timezone auto\` goes back to your Webex profile's zone.` });
  return 'ok';
};
