/**
 * The "Call with" line of the recording card: the other party's name and number, and whether the
 * call was incoming or outgoing. In a group space with private links, only a name is shown
 * (numbers are personal data); with nothing but a number there, the line is left out.
 */
import type { CallParty } from '../webex/call-party';
import { oneLine, truncate } from './elements';

export const CALL_WITH_LABEL = 'Call with';

export function callWithText(party: CallParty | undefined, privateSpace: boolean): string | undefined {
  if (!party) return undefined;
  const name = party.name ? truncate(oneLine(party.name), 120) : undefined;
  const number = !privateSpace && party.number ? truncate(oneLine(party.number), 32) : undefined;
  const who = name && number ? `${name} (${number})` : (name ?? number);
  if (!who) return undefined;
  return party.direction ? `${who}, ${party.direction}` : who;
}
