/** Creating people and bots (bots get a never-expiring token). */
import type { Person } from '../../../src/webex/types';
import { randomBytes } from 'node:crypto';
import { decodeWebexId, randomUUID, webexId } from './ids';
import { personView } from './routes/people';
import type { EmulatorState } from './state';
import { isValidTimeZone } from './timezone';
import type { AddPersonInput, BotHandle, CreateBotInput } from './types';

export function createPerson(state: EmulatorState, input: AddPersonInput): Person {
  if (state.findPersonByEmail(input.email)) throw new Error(`Emulator: a person with email ${input.email} already exists`);
  if (input.timezone && !isValidTimeZone(input.timezone)) throw new Error(`Emulator: invalid time zone ${input.timezone}`);
  const decoded = input.id ? decodeWebexId(input.id) : undefined;
  const uuid = decoded ? decoded.suffix : (input.id ?? randomUUID());
  const id = decoded ? input.id! : webexId('PEOPLE', uuid);
  if (state.findPerson(id)) throw new Error(`Emulator: a person with id ${id} already exists`);
  const [first = '', ...rest] = input.displayName.split(' ');
  const created = state.iso();
  const person: Person & { created: string; lastModified: string } = {
    id,
    emails: [input.email],
    displayName: input.displayName,
    nickName: input.firstName ?? first,
    firstName: input.firstName ?? first,
    lastName: input.lastName ?? rest.join(' '),
    orgId: state.orgId,
    ...(input.timezone ? { timezone: input.timezone } : {}),
    type: 'person',
    created,
    lastModified: created,
  };
  const record = { person, role: input.role ?? 'user', uuid, isBot: false } as const;
  state.addPerson({ ...record });
  return personView(record);
}

export function createBot(state: EmulatorState, input: CreateBotInput): BotHandle {
  if (state.findPersonByEmail(input.email)) throw new Error(`Emulator: a person with email ${input.email} already exists`);
  const uuid = randomUUID();
  const id = webexId('PEOPLE', uuid);
  const created = state.iso();
  const person: Person & { created: string; lastModified: string } = {
    id,
    emails: [input.email],
    displayName: input.displayName,
    nickName: input.displayName,
    firstName: input.displayName,
    lastName: '',
    orgId: state.orgId,
    type: 'bot',
    created,
    lastModified: created,
  };
  const record = { person, role: 'user', uuid, isBot: true } as const;
  state.addPerson({ ...record });
  const token = input.token ?? botToken(state.orgUuid);
  if (state.accessTokens.has(token)) throw new Error('Emulator: that bot token is already in use');
  state.accessTokens.set(token, { token, personId: id, kind: 'bot', scopes: ['spark:all'], expiresAt: null });
  return { person: personView(record), token };
}

/**
 * A bot token in Webex's shape, `<random>_PF84_<org UUID>`: the Webex SDK reads the org ID from
 * the third `_`-separated field and refuses other tokens.
 */
export function botToken(orgUuid: string): string {
  const random = randomBytes(48).toString('base64').replace(/[^A-Za-z0-9]/g, '');
  return `${random}_PF84_${orgUuid}`;
}
