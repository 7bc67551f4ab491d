/** Webex markdown mentions (`<@personId:ID|Name>`, `<@personEmail:EMAIL|Name>`, `<@all>`) and markdown → plain text. */
import type { EmulatorState } from './state';

const MENTION = /<@(personId|personEmail):([^|>]+)(?:\|([^>]*))?>|<@all(?:\|([^>]*))?>/g;

export function mentionsIn(markdown: string, state: EmulatorState): { people: string[]; groups: string[] } {
  const people: string[] = [];
  const groups: string[] = [];
  for (const match of markdown.matchAll(MENTION)) {
    if (match[1] === undefined) {
      if (!groups.includes('all')) groups.push('all');
      continue;
    }
    const person = match[1] === 'personId' ? state.findPerson(match[2]!) : state.findPersonByEmail(match[2]!);
    if (person && !people.includes(person.person.id)) people.push(person.person.id);
  }
  return { people, groups };
}

/** Roughly what Webex puts in `text` when only `markdown` was sent. */
export function plainTextOf(markdown: string, state: EmulatorState): string {
  return markdown
    .replace(MENTION, (whole, kind: string | undefined, key: string | undefined, name: string | undefined, allName: string | undefined) => {
      if (kind === undefined) return allName || 'All';
      if (name) return name;
      const person = kind === 'personId' ? state.findPerson(key ?? '') : state.findPersonByEmail(key ?? '');
      return person?.person.displayName ?? whole;
    })
    .replace(/\[([^\]]*)\]\(([^)\s]*)\)/g, '$1')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/^#{1,6}\s+/gm, '')
    .replace(/^>\s?/gm, '');
}
