/**
 * The official Adaptive Cards library, used as the reference parser and renderer of the bot's
 * cards. In Node its bundled build is the one that loads (the package's lib/ entry does not).
 */
import { JSDOM } from 'jsdom';
import MarkdownIt from 'markdown-it';
import type * as AdaptiveCardsModule from 'adaptivecards';

export type AC = typeof AdaptiveCardsModule;

let dom: JSDOM | undefined;

/** Loads the library once, with a jsdom window installed as the globals its renderer uses. */
export function adaptiveCards(): AC {
  if (!dom) {
    dom = new JSDOM('<!doctype html><html><body></body></html>');
    // jsdom has no innerText, which the renderer uses for TextRuns and buttons: as in a browser,
    // setting it creates text (never markup).
    Object.defineProperty(dom.window.HTMLElement.prototype, 'innerText', {
      configurable: true,
      get(this: HTMLElement) {
        return this.textContent ?? '';
      },
      set(this: HTMLElement, value: string) {
        this.textContent = value;
      },
    });
    const globals = globalThis as Record<string, unknown>;
    const window = dom.window as unknown as Record<string, unknown>;
    globals.window = dom.window;
    // DOM classes (HTMLElement, HTMLButtonElement, Node, ...) and document-level helpers.
    for (const name of Object.getOwnPropertyNames(window)) {
      if (name in globals) continue;
      let value: unknown;
      try {
        value = window[name];
      } catch {
        continue; // e.g. localStorage, unavailable for an opaque origin
      }
      globals[name] = typeof value === 'function' && /^[a-z]/.test(name) ? value.bind(dom.window) : value;
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('adaptivecards/dist/adaptivecards.js') as AC;
}

export interface ParseReport {
  /** Parse events (unknown types, invalid values, version problems). */
  parseEvents: string[];
  /** Events of the library's own validation pass over the parsed card. */
  validationEvents: string[];
  /** Every action the parsed card holds, nested ones included (as the library sees them). */
  actionCount: number;
}

/** Parses the card JSON the way a 1.3 host would and collects everything the library reports. */
export function parseCard(json: object): ParseReport {
  const lib = adaptiveCards();
  const card = new lib.AdaptiveCard();
  const context = new lib.SerializationContext(lib.Versions.v1_3);
  card.parse(json, context);
  const parseEvents: string[] = [];
  for (let i = 0; i < context.eventCount; i++) {
    const event = context.getEventAt(i);
    parseEvents.push(`${lib.ValidationEvent[event.event]}: ${event.message}`);
  }
  const validation = card.validateProperties();
  const validationEvents = validation.validationEvents.map((event) => `${lib.ValidationEvent[event.event]}: ${event.message}`);
  return { parseEvents, validationEvents, actionCount: countLibraryActions(card) };
}

function countLibraryActions(card: AdaptiveCardsModule.AdaptiveCard): number {
  let total = 0;
  // getAllActions lists an ActionSet's actions twice; the Set keeps each action object once.
  for (const action of new Set(card.getAllActions())) {
    total += 1;
    const shown = (action as { card?: AdaptiveCardsModule.AdaptiveCard }).card;
    if (action.getJsonTypeName() === 'Action.ShowCard' && shown) total += countLibraryActions(shown);
  }
  return total;
}

/**
 * Renders the card to HTML in jsdom with a markdown processor installed, the way a host that
 * runs markdown on TextBlocks and FactSets would.
 */
export function renderWithMarkdown(json: object): string {
  const lib = adaptiveCards();
  const markdown = new MarkdownIt({ linkify: true });
  lib.AdaptiveCard.onProcessMarkdown = (text, result) => {
    result.outputHtml = markdown.render(text);
    result.didProcess = true;
  };
  try {
    const card = new lib.AdaptiveCard();
    card.parse(json, new lib.SerializationContext(lib.Versions.v1_3));
    const element = card.render();
    if (!element) throw new Error('the card did not render');
    return element.outerHTML;
  } finally {
    lib.AdaptiveCard.onProcessMarkdown = undefined;
  }
}
