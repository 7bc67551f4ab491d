/** /v1/people: me, by ID, and lists by id=a,b,c / email / displayName. */
import { Router } from 'express';
import type { Person } from '../../../../src/webex/types';
import { callerOf } from '../auth';
import { ApiError } from '../errors';
import { decodeWebexId } from '../ids';
import { queryParam } from '../paging';
import type { EmulatorState, PersonRecord } from '../state';

/** Scopes that let a person's token read people (`spark:all` includes it). */
const PEOPLE_SCOPES: ReadonlySet<string> = new Set(['spark:people_read', 'spark:all', 'spark-admin:people_read']);

export function personView(record: PersonRecord): Person {
  return { ...record.person, emails: [...record.person.emails] };
}

export function peopleRouter(state: EmulatorState): Router {
  const router = Router();

  router.get('/people/me', (_req, res) => {
    const caller = callerOf(res);
    res.json(personView(state.requirePerson(caller.personId)));
  });

  router.get('/people', (req, res) => {
    callerOf(res);
    const ids = queryParam(req, 'id');
    const email = queryParam(req, 'email');
    const displayName = queryParam(req, 'displayName');
    if (ids) {
      const wanted = ids.split(',').map((s) => s.trim()).filter(Boolean);
      const items: Person[] = [];
      const notFoundIds: string[] = [];
      for (const id of wanted) {
        const record = state.findPerson(id);
        if (record) items.push(personView(record));
        else notFoundIds.push(id);
      }
      res.json(notFoundIds.length ? { notFoundIds, items } : { items });
      return;
    }
    if (email) {
      const record = state.findPersonByEmail(email);
      res.json({ items: record ? [personView(record)] : [] });
      return;
    }
    if (displayName) {
      const prefix = displayName.toLowerCase();
      const items = [...state.people.values()]
        .filter((p) => (p.person.displayName ?? '').toLowerCase().startsWith(prefix))
        .map(personView);
      res.json({ items });
      return;
    }
    throw new ApiError(400, 'Email, displayName, or id list should be specified.');
  });

  /**
   * Get Person Details takes a Webex person ID (base64 of `ciscospark://us/PEOPLE/<uuid>`); a bare
   * UUID, as recording metadata names people, is not documented to work and is not found here. A
   * person's token needs a people scope; a bot's does not.
   */
  router.get('/people/:id', (req, res) => {
    const caller = callerOf(res);
    if (caller.kind !== 'bot' && !caller.scopes.some((s) => PEOPLE_SCOPES.has(s))) throw new ApiError(403, 'The token does not have the spark:people_read scope.');
    const id = String(req.params.id);
    const record = decodeWebexId(id)?.kind === 'PEOPLE' ? state.findPerson(id) : undefined;
    if (!record) throw new ApiError(404, 'Person not found.');
    res.json(personView(record));
  });

  return router;
}
