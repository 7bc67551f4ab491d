import type { Logger } from '../log';
import type { Store } from '../store/types';
import type { WebexClient } from '../webex/client';
import { getMe } from '../webex/people';
import { isValidTimeZone } from '../format';

export type ZoneSource = 'override' | 'profile' | 'default' | 'utc';

/** The Webex profile's time zone is looked up again at most this often. */
export const PROFILE_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * The requester's zone, first that applies (SPEC section 4): their override; their Webex
 * profile's zone (read with their token, at most daily); DEFAULT_TIMEZONE; UTC.
 */
export async function resolveZone(
  deps: { store: Store; client: WebexClient; defaultZone: string; logger: Logger; now: () => Date },
  personId: string,
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
  if (deps.defaultZone && deps.defaultZone !== 'UTC') return { zone: deps.defaultZone, source: 'default' };
  return { zone: 'UTC', source: 'utc' };
}
