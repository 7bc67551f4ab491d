// Adaptive Cards with the official renderer (window.AdaptiveCards), schema 1.3 as Webex shows
// them, a Webex-like host config, and markdown through markdown-it.
import { el } from './util.js';

const AC = window.AdaptiveCards;

export const markdown = window.markdownit({ html: false, linkify: true, breaks: true });
const defaultLinkOpen = markdown.renderer.rules.link_open || ((tokens, idx, options, env, self) => self.renderToken(tokens, idx, options));
markdown.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx].attrSet('target', '_blank');
  tokens[idx].attrSet('rel', 'noopener noreferrer');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

AC.AdaptiveCard.onProcessMarkdown = (text, result) => {
  result.outputHtml = markdown.render(text);
  result.didProcess = true;
};

const FONT = '"Inter", "Segoe UI", system-ui, -apple-system, "Helvetica Neue", Arial, sans-serif';
const MONO = 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace';

function colors(base) {
  return {
    default: { default: base.text, subtle: base.subtle },
    dark: { default: '#1f2328', subtle: '#5f6670' },
    light: { default: '#ffffff', subtle: '#eef0f2' },
    accent: { default: '#0a6ed1', subtle: '#0b63bd' },
    good: { default: '#1a7f37', subtle: '#1f7a3a' },
    warning: { default: '#a15000', subtle: '#a15000' },
    attention: { default: '#c62828', subtle: '#b3261e' },
  };
}

/** Close to how Webex desktop draws cards: system font, 14 px text, blue accents, pill buttons. */
export const hostConfig = new AC.HostConfig({
  fontFamily: FONT,
  supportsInteractivity: true,
  spacing: { small: 4, default: 8, medium: 16, large: 20, extraLarge: 32, padding: 16 },
  separator: { lineThickness: 1, lineColor: '#e3e5e8' },
  fontTypes: {
    default: { fontFamily: FONT, fontSizes: { small: 12, default: 14, medium: 16, large: 20, extraLarge: 24 }, fontWeights: { lighter: 300, default: 400, bolder: 650 } },
    monospace: { fontFamily: MONO, fontSizes: { small: 11, default: 13, medium: 15, large: 18, extraLarge: 22 }, fontWeights: { lighter: 300, default: 400, bolder: 650 } },
  },
  containerStyles: {
    default: { backgroundColor: '#ffffff', foregroundColors: colors({ text: '#1f2328', subtle: '#5f6670' }) },
    emphasis: { backgroundColor: '#f5f7f9', foregroundColors: colors({ text: '#1f2328', subtle: '#5f6670' }) },
    accent: { backgroundColor: '#e8f2fc', foregroundColors: colors({ text: '#1f2328', subtle: '#4a5563' }) },
    good: { backgroundColor: '#e9f7ee', foregroundColors: colors({ text: '#1f2328', subtle: '#4a5563' }) },
    attention: { backgroundColor: '#fdeceb', foregroundColors: colors({ text: '#1f2328', subtle: '#4a5563' }) },
    warning: { backgroundColor: '#fff4e5', foregroundColors: colors({ text: '#1f2328', subtle: '#4a5563' }) },
  },
  imageSizes: { small: 40, medium: 80, large: 160 },
  actions: {
    maxActions: 5,
    spacing: 'default',
    buttonSpacing: 8,
    showCard: { actionMode: 'inline', inlineTopMargin: 12, style: 'emphasis' },
    actionsOrientation: 'horizontal',
    actionAlignment: 'left',
    iconPlacement: 'leftOfTitle',
  },
  adaptiveCard: { allowCustomStyle: true },
  textBlock: { headingLevel: 2 },
  factSet: {
    title: { color: 'default', size: 'default', isSubtle: true, weight: 'default', wrap: true, maxWidth: 150 },
    value: { color: 'default', size: 'default', isSubtle: false, weight: 'default', wrap: true },
    spacing: 10,
  },
});

/**
 * Renders a card. `onOpenUrl(url)` and `onSubmit(data)` receive the button's action; the submit
 * data already holds the card's input values, as Webex merges them.
 */
export function renderCard(content, { onOpenUrl, onSubmit }) {
  const card = new AC.AdaptiveCard();
  card.hostConfig = hostConfig;
  card.onExecuteAction = (action) => {
    if (action instanceof AC.OpenUrlAction) onOpenUrl(action.url);
    else if (action instanceof AC.SubmitAction || action instanceof AC.ExecuteAction) onSubmit(action.data || {}, action);
  };
  try {
    card.parse(content);
    const node = card.render();
    if (!node) throw new Error('the renderer returned nothing');
    return el('div', { class: 'ac-host', 'data-testid': 'card' }, node);
  } catch (err) {
    return el('div', { class: 'ac-host' }, el('div', { class: 'card-error', text: `This card could not be rendered: ${err.message}` }));
  }
}
