/** Adaptive Cards of the bot: pure functions from data, zone and `now` to card JSON + fallback. */
export { parseCardAction, isValidRecordingId, RECORDING_CHOICE_INPUT_ID } from './actions';
export type { CardAction, CardActionName, RecordingAction } from './actions';
export { buildRecordingCard, buildLinksCard } from './recordingCard';
export type { RecordingCardInput, Audience, NoLinksCause } from './recordingCard';
export { buildRecordingListCard, MAX_LIST_ROWS } from './listCard';
export type { RecordingListCardInput } from './listCard';
export { buildHelpCard, buildHintCard } from './helpCard';
export type { HelpCardInput, HelpRow } from './helpCard';
export { buildConnectCard } from './connectCard';
export type { ConnectCardInput } from './connectCard';
export type { ZoneSource } from './labels';
export { zoneSourceWords } from './labels';
export { MAX_ACTIONS, MAX_CARD_BYTES, MAX_FALLBACK_BYTES, countActions, cardByteSize } from './limits';
export type { AdaptiveCard, BuiltCard } from './schema';
