/** Formatting of durations, sizes and times, and escaping of API text for markdown. */
export { formatDuration, formatSpan } from './duration';
export { formatSize } from './size';
export {
  UNKNOWN_TIME,
  canonicalTimeZone,
  spelledTimeZone,
  formatClock,
  formatClockOrDate,
  formatLocalTime,
  formatRelative,
  formatShortLocalTime,
  isValidTimeZone,
  parseApiTime,
} from './time';
export { echoTyped, escapeMarkdown, isHttpUrl, markdownLinkTarget, markdownValue } from './markdown';
