/** /v1/people: me, by ID, and lists by id=a,b,c / email / displayName. */
import { Router } from 'express';
import type { Person } from '../../../../src/webex/types';
import { callerOf } from '../auth';
import { ApiError } from '../errors';
import { queryParam } from '../paging';
import type { EmulatorState, PersonRecord } from '../state';

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

  router.get('/people/:id', (req, res) => {
    callerOf(res);
    const record = state.findPerson(String(req.params.id));
    if (!record) throw new ApiError(404, 'Person not found.');
    res.json(personView(record));
  });

  return router;
}
