/**
 * The subset of the Adaptive Card 1.3 schema the bot's cards use, typed so that a misspelt
 * property fails to compile. Webex renders cards up to schema 1.3.
 */

export const CARD_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';
export const CARD_VERSION = '1.3';

export type Spacing = 'None' | 'Small' | 'Default' | 'Medium' | 'Large' | 'ExtraLarge' | 'Padding';
export type TextSize = 'Small' | 'Default' | 'Medium' | 'Large' | 'ExtraLarge';
export type TextColor = 'Default' | 'Dark' | 'Light' | 'Accent' | 'Good' | 'Warning' | 'Attention';
export type TextWeight = 'Lighter' | 'Default' | 'Bolder';

/** A run of text in a RichTextBlock. Hosts never run markdown on a TextRun: API text goes here. */
export interface TextRun {
  type: 'TextRun';
  text: string;
  size?: TextSize;
  weight?: TextWeight;
  color?: TextColor;
  isSubtle?: boolean;
  italic?: boolean;
  fontType?: 'Default' | 'Monospace';
}

export interface RichTextBlock {
  type: 'RichTextBlock';
  inlines: TextRun[];
  id?: string;
  spacing?: Spacing;
  separator?: boolean;
}

/** Hosts may run markdown on a TextBlock: only the bot's own fixed wording goes here. */
export interface TextBlock {
  type: 'TextBlock';
  text: string;
  wrap?: boolean;
  size?: TextSize;
  weight?: TextWeight;
  color?: TextColor;
  isSubtle?: boolean;
  spacing?: Spacing;
  separator?: boolean;
}

export interface Column {
  type: 'Column';
  width?: 'auto' | 'stretch' | number | string;
  items: CardElement[];
  spacing?: Spacing;
  verticalContentAlignment?: 'Top' | 'Center' | 'Bottom';
}

export interface ColumnSet {
  type: 'ColumnSet';
  columns: Column[];
  spacing?: Spacing;
  separator?: boolean;
}

export interface Container {
  type: 'Container';
  items: CardElement[];
  spacing?: Spacing;
  separator?: boolean;
  style?: 'default' | 'emphasis' | 'good' | 'attention' | 'warning' | 'accent';
}

export interface ActionSet {
  type: 'ActionSet';
  actions: CardActionElement[];
  spacing?: Spacing;
}

export interface Choice {
  title: string;
  value: string;
}

export interface ChoiceSetInput {
  type: 'Input.ChoiceSet';
  id: string;
  choices: Choice[];
  style?: 'compact' | 'expanded';
  value?: string;
  label?: string;
  isRequired?: boolean;
  errorMessage?: string;
  spacing?: Spacing;
}

export type CardElement =
  | RichTextBlock
  | TextBlock
  | ColumnSet
  | Container
  | ActionSet
  | ChoiceSetInput;

export interface OpenUrlAction {
  type: 'Action.OpenUrl';
  title: string;
  url: string;
  style?: 'default' | 'positive' | 'destructive';
}

export interface SubmitAction {
  type: 'Action.Submit';
  title: string;
  data: Record<string, string>;
  style?: 'default' | 'positive' | 'destructive';
}

export interface ShowCardAction {
  type: 'Action.ShowCard';
  title: string;
  card: AdaptiveCard;
}

export type CardActionElement = OpenUrlAction | SubmitAction | ShowCardAction;

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema?: string;
  version?: string;
  body: CardElement[];
  actions?: CardActionElement[];
}

/** What every card builder returns: the card and a markdown text with the same essentials. */
export interface BuiltCard {
  card: AdaptiveCard;
  /** Markdown for the message's `markdown` field: notifications and clients without cards. */
  fallback: string;
}
