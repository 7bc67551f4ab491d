import { resolveZone, type ZoneSource } from '../timezones/zone';
import { escapeMarkdown, markdownValue, spelledTimeZone } from '../format';
import { replyPrivately } from './private';
import type { Handler } from './handler';
import { describeNotifications } from './notify-state';
import { sendConnectCard } from './sign-in-prompt';

/**
 * `connect`: the sign-in card; when already connected, says as whom. Only the account of the
 * person in the chat can be linked (signin.ts refuses another one), so it offers no switch:
 * signing in again renews the same account's sign-in, `disconnect` forgets it.
 */
export const connect: Handler<{ name: 'connect' }> = async (services, ctx) => {
  const account = await services.store.getAccount(ctx.personId);
  // The reason is shown as plain text on the card (a TextRun), so it carries no markdown marks.
  const reason = account ? `You're connected as ${account.email}. Sign in again below to renew it, or send “disconnect” to unlink it.` : undefined;
  await sendConnectCard(services, ctx, reason, "I've sent you a sign-in link in a direct message.");
  return 'ok';
};

export const disconnect: Handler<{ name: 'disconnect' }> = async (services, ctx) => {
  const account = await services.store.getAccount(ctx.personId);
  // The recording webhook is deleted with the person's token, before the tokens are forgotten.
  await services.notifications?.forget(ctx.personId);
  await services.store.deletePerson(ctx.personId);
  await ctx.reply({
    markdown: account
      ? 'Done: I have deleted your Webex tokens and settings. Send **connect** whenever you want to link your account again.'
      : 'You were not connected, and I hold nothing about you now.',
  });
  return 'ok';
};

/** A zone other than `zone` to show as an example of `timezone <name>`. */
function exampleZone(zone: string): string {
  return zone === 'Europe/Paris' ? 'America/New_York' : 'Europe/Paris';
}

/**
 * "Time zone: **Asia/Singapore**, from your Webex profile." One sentence per source, saying why
 * the zone applies; before sign-in the profile's zone is unknown, and the sentence says so.
 */
export function zoneSentence(zone: string, source: ZoneSource, connected: boolean): string {
  const name = `**${escapeMarkdown(zone)}**`;
  const setOne = `Send \`timezone ${exampleZone(zone)}\` to set one.`;
  switch (source) {
    case 'override':
      return `Time zone: ${name}, your own setting (\`timezone auto\` goes back to your Webex profile's zone).`;
    case 'profile':
      return `Time zone: ${name}, from your Webex profile.`;
    case 'default':
      return connected
        ? `Time zone: ${name}, the bot's default: your Webex profile has no time zone I can use. ${setOne}`
        : `Time zone: ${name}, the bot's default, until you connect (then I use your Webex profile's zone). ${setOne}`;
    case 'utc':
      return connected
        ? `Time zone: ${name}: your Webex profile has no time zone I can use, and you have not set one. ${setOne}`
        : `Time zone: ${name} until you connect (then I use your Webex profile's zone). ${setOne}`;
  }
}

export const whoami: Handler<{ name: 'whoami' }> = async (services, ctx) => {
  const account = await services.store.getAccount(ctx.personId);
  const { zone, source } = await resolveZone(services, ctx.personId, null);
  const zoneLine = zoneSentence(zone, source, account !== null);
  if (!account) {
    await replyPrivately(ctx, { markdown: `You have not linked a Webex account yet: send **connect** to sign in.\n\n${zoneLine}` });
    return 'ok';
  }
  const recordingScopes = account.tokens.scopes.filter((s) => s.includes('recordings'));
  const scopeText = recordingScopes.length ? recordingScopes.map(markdownValue).join(', ') : 'none (ask your Webex admin)';
  await replyPrivately(ctx, {
    markdown: [
      `Linked Webex account: ${escapeMarkdown(account.email)}`,
      `Recording scopes: ${scopeText}`,
      zoneLine,
      describeNotifications(await services.store.getSubscription(ctx.personId), ctx),
    ].join('\n\n'),
  });
  return 'ok';
};

export const timezone: Handler<{ name: 'timezone'; argument: string | null }> = async (services, ctx, command) => {
  const connected = async () => (await services.store.getAccount(ctx.personId)) !== null;
  if (command.argument === null) {
    const { zone, source } = await resolveZone(services, ctx.personId, null);
    const change = source === 'override'
      ? `Set another with \`timezone ${exampleZone(zone)}\`.`
      : source === 'profile'
        ? `Set your own with \`timezone ${exampleZone(zone)}\`.`
        : '';
    await replyPrivately(ctx, { markdown: [zoneSentence(zone, source, await connected()), change].filter(Boolean).join(' ') });
    return 'ok';
  }
  if (command.argument.toLowerCase() === 'auto') {
    await services.store.setTimezoneOverride(ctx.personId, null);
    const { zone, source } = await resolveZone(services, ctx.personId, null);
    await replyPrivately(ctx, { markdown: `Your own time-zone setting is cleared.\n\n${zoneSentence(zone, source, await connected())}` });
    return 'ok';
  }
  const zone = spelledTimeZone(command.argument);
  if (!zone) {
    await replyPrivately(ctx, { markdown: `"${escapeMarkdown(command.argument)}" is not an IANA time zone. Try for example \`timezone Europe/Paris\` or \`timezone America/New_York\`.` });
    return 'invalid';
  }
  await services.store.setTimezoneOverride(ctx.personId, zone);
  await replyPrivately(ctx, { markdown: `Done: times are now shown in **${escapeMarkdown(zone)}**. \`timezone auto\` goes back to your Webex profile's zone.` });
  return 'ok';
};
