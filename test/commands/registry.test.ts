/**
 * The command registry is the one list of commands: the parser, the dispatcher and the help card
 * read it, and handlers never import it or each other.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildHelpCard } from '../../src/cards';
import { COMMANDS, handlerFor, HELP_ROWS, parseCommand } from '../../src/commands/registry';
import { unknown } from '../../src/commands/help';

const COMMANDS_DIR = join(__dirname, '../../src/commands');
/** The modules that hold handlers (commands and card clicks). */
const HANDLER_MODULES = ['account', 'clicks', 'help', 'list', 'notify', 'recording'];

describe('command registry', () => {
  it('every name and alias parses to its command, and dispatches to its handler', () => {
    for (const entry of Object.values(COMMANDS)) {
      for (const word of [entry.name, ...entry.aliases]) {
        const command = parseCommand(`${word.toUpperCase()}`);
        expect(command.name).toBe(entry.name);
        expect(handlerFor(command)).toBe(entry.handler);
      }
    }
    expect(handlerFor(parseCommand('what is this'))).toBe(unknown);
  });

  it('the help card shows the rows it is given, in order, and no others', () => {
    const rows = [{ usage: ['frobnicate <x>'], summary: 'Only in this test.' }];
    const built = buildHelpCard({ commands: rows });
    expect(built.fallback).toContain('`frobnicate <x>`: Only in this test.');
    expect(built.fallback).not.toContain('`recordings [N]`');
  });

  it("the help rows are the registry's: each command's rows, in the registry's order", () => {
    expect(HELP_ROWS).toEqual(Object.values(COMMANDS).flatMap((entry) => entry.help));
    const fallback = buildHelpCard({ commands: HELP_ROWS }).fallback;
    const positions = Object.values(COMMANDS).map((entry) => fallback.indexOf(`\`${entry.help[0]!.usage[0]}\``));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('handlers import neither the registry nor one another', () => {
    const files = readdirSync(COMMANDS_DIR).filter((f) => f.endsWith('.ts'));
    for (const module of HANDLER_MODULES) expect(files).toContain(`${module}.ts`);
    for (const module of HANDLER_MODULES) {
      const source = readFileSync(join(COMMANDS_DIR, `${module}.ts`), 'utf8');
      const imported = [...source.matchAll(/from '\.\/([^']+)'/g)].map((m) => m[1]);
      const forbidden = imported.filter((name) => name === 'registry' || (HANDLER_MODULES.includes(name!) && name !== module));
      expect({ module, forbidden }).toEqual({ module, forbidden: [] });
    }
  });
});
