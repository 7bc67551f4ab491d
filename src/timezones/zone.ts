import type { Logger } from '../log';
import type { Store } from '../store/types';
import type { WebexClient } from '../webex/client';
import { getMe } from '../webex/people';
import { isValidTimeZone } from '../format';

import type { ZoneSource } from '../cards';

export type { ZoneSource };

/** The Webex profile's time zone is looked up again at most this often. */
export const PROFILE_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * The requester's zone, first that applies: their override; their Webex
 * profile's zone (read with their token, at most daily); DEFAULT_TIMEZONE; UTC. The one place a
 * zone is chosen: whatever it returns is a zone Intl knows, so the cards take it as it is.
 */
export async function resolveZone(
  deps: { store: Store; client: WebexClient; logger: Logger; now: () => Date; settings: { defaultTimezone: string } },
  personId: string,
  /** The person's token, to refresh the profile zone when it is stale; null: use what is stored. */
  token: string | null,
): Promise<{ zone: string; source: ZoneSource }> {
  const settings = await deps.store.getSettings(personId);
  if (settings.timezoneOverride && isValidTimeZone(settings.timezoneOverride)) return { zone: settings.timezoneOverride, source: 'override' };
  let profileZone = settings.profileTimezone;
  const stale = !settings.profileCheckedAt || deps.now().getTime() - settings.profileCheckedAt.getTime() > PROFILE_MAX_AGE_MS;
  if (stale && token) {
    try {
      const me = await getMe(deps.client, token);
      profileZone = me.timezone ?? null;
      await deps.store.setProfileTimezone(personId, profileZone, deps.now());
    } catch (err) {
      deps.logger.warn({ personId, err: String(err) }, 'could not read the Webex profile time zone');
    }
  }
  if (profileZone && isValidTimeZone(profileZone)) return { zone: profileZone, source: 'profile' };
  const fallback = deps.settings.defaultTimezone;
  if (fallback && fallback !== 'UTC' && isValidTimeZone(fallback)) return { zone: fallback, source: 'default' };
  return { zone: 'UTC', source: 'utc' };
}
