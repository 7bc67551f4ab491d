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
  deps: ZoneDeps,
  personId: string,
  /** The person's token, to refresh the profile zone when it is stale; null: use what is stored. */
  token: string | null,
): Promise<{ zone: string; source: ZoneSource }> {
  return (await zoneNowAndLater(deps, personId, token)).resolved;
}

type ZoneDeps = { store: Store; client: WebexClient; logger: Logger; now: () => Date; settings: { defaultTimezone: string } };

/**
 * The requester's zone as `resolveZone` chooses it (`resolved`), and at once the zone known
 * without asking Webex (`known`: what is stored, even when the profile's is stale), so that a
 * Webex request that only needs some zone can start beside the profile read.
 */
export async function zoneNowAndLater(
  deps: ZoneDeps,
  personId: string,
  token: string | null,
): Promise<{ known: { zone: string; source: ZoneSource }; resolved: Promise<{ zone: string; source: ZoneSource }> }> {
  const settings = await deps.store.getSettings(personId);
  if (settings.timezoneOverride && isValidTimeZone(settings.timezoneOverride)) {
    const known = { zone: settings.timezoneOverride, source: 'override' as const };
    return { known, resolved: Promise.resolve(known) };
  }
  const pick = (profileZone: string | null): { zone: string; source: ZoneSource } => {
    if (profileZone && isValidTimeZone(profileZone)) return { zone: profileZone, source: 'profile' };
    const fallback = deps.settings.defaultTimezone;
    if (fallback && fallback !== 'UTC' && isValidTimeZone(fallback)) return { zone: fallback, source: 'default' };
    return { zone: 'UTC', source: 'utc' };
  };
  const known = pick(settings.profileTimezone);
  const stale = !settings.profileCheckedAt || deps.now().getTime() - settings.profileCheckedAt.getTime() > PROFILE_MAX_AGE_MS;
  if (!stale || !token) return { known, resolved: Promise.resolve(known) };
  const refresh = async () => {
    let profileZone = settings.profileTimezone;
    try {
      const me = await getMe(deps.client, token);
      profileZone = me.timezone ?? null;
      await deps.store.setProfileTimezone(personId, profileZone, deps.now());
    } catch (err) {
      deps.logger.warn({ personId, err: String(err) }, 'could not read the Webex profile time zone');
    }
    return pick(profileZone);
  };
  return { known, resolved: refresh() };
}
