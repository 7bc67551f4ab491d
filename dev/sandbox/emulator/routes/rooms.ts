/** /v1/rooms and /v1/memberships: what the caller is a member of. */
import { Router } from 'express';
import { callerOf } from '../auth';
import { ApiError } from '../errors';
import { paginate, queryParam } from '../paging';
import type { RoomService } from '../rooms';
import type { EmulatorState } from '../state';

export function roomsRouter(state: EmulatorState, rooms: RoomService): Router {
  const router = Router();

  router.get('/rooms', (req, res) => {
    const caller = callerOf(res);
    const type = queryParam(req, 'type');
    const sortBy = queryParam(req, 'sortBy');
    let mine = state.roomsOf(caller.personId).filter((r) => !type || r.type === type);
    if (sortBy === 'lastactivity') mine = [...mine].sort((a, b) => b.lastActivity - a.lastActivity);
    else if (sortBy === 'created') mine = [...mine].sort((a, b) => b.created - a.created);
    const page = paginate(mine, req, res, state, { defaultMax: 100, limit: 1000 });
    res.json({ items: page.map((room) => rooms.roomView(room, caller.personId)) });
  });

  router.get('/rooms/:id', (req, res) => {
    const caller = callerOf(res);
    const room = state.rooms.get(String(req.params.id));
    if (!room || !state.isMember(room.id, caller.personId)) throw new ApiError(404, 'Could not find a room with provided ID.');
    res.json(rooms.roomView(room, caller.personId));
  });

  router.get('/memberships', (req, res) => {
    const caller = callerOf(res);
    const roomId = queryParam(req, 'roomId');
    const personId = queryParam(req, 'personId');
    const personEmail = queryParam(req, 'personEmail')?.toLowerCase();
    let list;
    if (roomId) {
      if (!state.rooms.has(roomId) || !state.isMember(roomId, caller.personId)) {
        throw new ApiError(404, 'Could not find a room with provided ID.');
      }
      list = state.membershipsOfRoom(roomId);
    } else {
      list = [...state.memberships.values()].filter((m) => m.personId === caller.personId);
    }
    const views = list
      .map((m) => rooms.membershipView(m))
      .filter((m) => !personId || m.personId === personId)
      .filter((m) => !personEmail || m.personEmail.toLowerCase() === personEmail);
    res.json({ items: paginate(views, req, res, state, { defaultMax: 100, limit: 1000 }) });
  });

  router.get('/memberships/:id', (req, res) => {
    const caller = callerOf(res);
    const membership = state.memberships.get(String(req.params.id));
    if (!membership || !state.isMember(membership.roomId, caller.personId)) throw new ApiError(404, 'Membership not found.');
    res.json(rooms.membershipView(membership));
  });

  return router;
}
