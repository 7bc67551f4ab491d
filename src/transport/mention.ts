/**
 * In a group space Webex puts the bot's mention at the start of `text` ("RecBot recording abc",
 * or only the first name when the sender shortened it). Remove it so commands parse the same in
 * 1:1 and group spaces.
 */
export function stripLeadingMention(text: string, botNames: readonly string[]): string {
  const trimmed = text.trim();
  const candidates = [...new Set(botNames.map((n) => n.trim()).filter(Boolean))].sort((a, b) => b.length - a.length);
  for (const name of candidates) {
    for (const prefix of [name, `@${name}`]) {
      if (trimmed.length >= prefix.length && trimmed.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase()) {
        const rest = trimmed.slice(prefix.length);
        if (rest === '' || /^[\s,:]/.test(rest)) return rest.replace(/^[\s,:]+/, '').trim();
      }
    }
  }
  return trimmed;
}

/** The names a person may use to mention the bot: display name, its first word, nickname. */
export function mentionNames(person: { displayName?: string; nickName?: string; firstName?: string }): string[] {
  const names: string[] = [];
  if (person.displayName) names.push(person.displayName, person.displayName.split(/\s+/)[0] ?? '');
  if (person.nickName) names.push(person.nickName);
  if (person.firstName) names.push(person.firstName);
  return names.filter(Boolean);
}
