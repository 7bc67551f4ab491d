import { NotConnectedError } from '../auth/tokens';
import { echoTyped } from '../format';
import { answerRecording, audienceFor, fetchRecording, lazyViewer, type AnswerOutcome, type FetchResult } from '../recordings/service';
import type { CommandMeta, Handler } from './handler';
import { askToConnect } from './sign-in-prompt';

/**
 * `recording <id> [<id> …]`: one card per ID, each fetched with the person's own sign-in (read
 * once). The IDs are fetched at once; the cards are posted in the order asked.
 */
export const recording: Handler<{ name: 'recording'; ids: string[]; invalid: string[]; tooMany: boolean }> = async (
  services,
  ctx,
  command,
  meta: CommandMeta,
) => {
  if (command.invalid.length > 0 || command.ids.length === 0) {
    const shown = command.invalid.slice(0, 3).map((w) => `"${echoTyped(w)}"`).join(', ');
    await ctx.reply({
      markdown: command.ids.length === 0 && command.invalid.length === 0
        ? 'Which recording? Send `recording <id>`, e.g. `recording 62807eaf-0c89-492e-a3c3-c4751812603b`.'
        : `That doesn't look like a recording ID: ${shown}. Recording IDs are letters, digits, \`-\` and \`_\`, e.g. \`62807eaf-0c89-492e-a3c3-c4751812603b\`.`,
    });
    return 'invalid';
  }
  if (command.tooMany) {
    await ctx.reply({ markdown: 'I can look up at most 5 recordings per message; here are the first 5.' });
  }
  const audience = audienceFor(services, ctx.roomType);
  const outcomes: AnswerOutcome[] = [];
  const viewer = lazyViewer(services, ctx.personId);
  const fetches = command.ids.map((id) => viewer().then((v) => fetchRecording(services, v, id)));
  // Each is awaited in turn below; one that fails before its turn is not an unhandled rejection.
  for (const fetch of fetches) fetch.catch(() => undefined);
  try {
    for (const [i, id] of command.ids.entries()) outcomes.push(await answerRecording(services, ctx, viewer, id, audience, undefined, fetches[i] as Promise<FetchResult>));
  } catch (err) {
    if (!(err instanceof NotConnectedError)) throw err;
    const text = `recording ${command.ids.slice(outcomes.length).join(' ')}`;
    return askToConnect(services, ctx, err, { messageId: meta.messageId, text });
  }
  return outcomes.every((o) => o === 'ok') ? 'ok' : outcomes.find((o) => o !== 'ok')!;
};
