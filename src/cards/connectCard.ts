/** The card that asks a person to sign in with Webex before the bot can fetch recordings for them. */
import { escapeMarkdown, isHttpUrl, markdownLinkTarget } from '../format';
import { finishCard, fixedText, oneLine, richText, run, truncate } from './elements';
import type { BuiltCard, CardElement } from './schema';

export interface ConnectCardInput {
  /** The Webex authorize URL with this person's single-use state. */
  authorizeUrl: string;
  /** Why sign-in is asked for now, e.g. "Your Webex sign-in expired." */
  reason?: string;
}

const WHY =
  'I fetch recordings with your own Webex access, so you see exactly the recordings your account may see, ' +
  'and download links only go to people who may fetch them.';
const HOW = 'The button opens the Webex sign-in page. The link can be used once, within 10 minutes.';

export function buildConnectCard(input: ConnectCardInput): BuiltCard {
  if (!isHttpUrl(input.authorizeUrl)) throw new Error('authorizeUrl must be an absolute http(s) URL');
  const reason = input.reason ? truncate(oneLine(input.reason), 300) : '';
  const body: CardElement[] = [fixedText('Sign in with Webex', { size: 'Medium', weight: 'Bolder' })];
  if (reason) body.push(richText([run(reason, { weight: 'Bolder' })], 'Small'));
  body.push(fixedText(WHY, { spacing: 'Small' }), fixedText(HOW, { spacing: 'Small', isSubtle: true, size: 'Small' }));
  const target = markdownLinkTarget(input.authorizeUrl);
  const fallback = [
    ...(reason ? [escapeMarkdown(reason)] : []),
    WHY,
    `[Sign in with Webex](${target})`,
  ].join('\n\n');
  return finishCard(body, [{ type: 'Action.OpenUrl', title: 'Sign in with Webex', url: input.authorizeUrl, style: 'positive' }], fallback);
}
