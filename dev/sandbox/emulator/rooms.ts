/** Spaces and memberships: views as Webex returns them, creation, and membership webhooks. */
import type { Membership, Room } from '../../../src/webex/types';
import { ApiError } from './errors';
import { randomUUID, webexId } from './ids';
import type { EmulatorState, MembershipRecord, RoomRecord } from './state';
import type { WebhookDispatcher } from './webhooks';

export class RoomService {
  constructor(
    private readonly state: EmulatorState,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  /** A room as `viewerId` sees it: a direct space is titled after the other member. */
  roomView(room: RoomRecord, viewerId?: string): Room {
    let title = room.title;
    if (room.type === 'direct') {
      const others = this.state.membersOf(room.id).filter((id) => id !== viewerId);
      title = others.map((id) => this.state.people.get(id)?.person.displayName ?? 'Unknown').join(', ');
    }
    return {
      id: room.id,
      title,
      type: room.type,
      isLocked: false,
      lastActivity: this.state.iso(room.lastActivity),
      creatorId: room.creatorId,
      created: this.state.iso(room.created),
    };
  }

  membershipView(membership: MembershipRecord): Membership & { isRoomHidden: boolean } {
    const person = this.state.people.get(membership.personId)?.person;
    const room = this.state.rooms.get(membership.roomId);
    return {
      id: membership.id,
      roomId: membership.roomId,
      personId: membership.personId,
      personEmail: person?.emails[0] ?? '',
      personDisplayName: person?.displayName ?? '',
      personOrgId: this.state.orgId,
      isModerator: membership.isModerator,
      isMonitor: false,
      isRoomHidden: false,
      roomType: room?.type ?? 'group',
      created: this.state.iso(membership.created),
    };
  }

  /** The 1:1 space of two people, created (with membership webhooks) when missing. */
  ensureDirectRoom(a: string, b: string, actorId: string = a): RoomRecord {
    if (a === b) throw new ApiError(400, 'Cannot create a direct space with yourself.');
    const existing = this.state.findDirectRoom(a, b);
    if (existing) return existing;
    const room = this.newRoom('direct', undefined, actorId);
    const created = [this.addMembership(room, a), this.addMembership(room, b)];
    for (const membership of created) this.announce(membership, actorId);
    return room;
  }

  createGroupRoom(title: string, memberIds: string[], creatorId: string | undefined = memberIds[0]): RoomRecord {
    if (!creatorId) throw new Error('Emulator: a group space needs at least one member');
    for (const id of memberIds) this.state.requirePerson(id);
    const room = this.newRoom('group', title, creatorId);
    const created = [...new Set(memberIds)].map((id) => this.addMembership(room, id));
    for (const membership of created) this.announce(membership, creatorId);
    return room;
  }

  addMember(roomId: string, personId: string, actorId: string): MembershipRecord {
    const room = this.state.requireRoom(roomId);
    if (room.type === 'direct') throw new ApiError(400, 'Cannot add people to a direct space.');
    if (this.state.isMember(roomId, personId)) throw new ApiError(409, 'The person is already a member of this space.');
    const membership = this.addMembership(room, personId);
    this.announce(membership, actorId);
    return membership;
  }

  private newRoom(type: RoomRecord['type'], title: string | undefined, creatorId: string): RoomRecord {
    const uuid = randomUUID();
    const now = this.state.now();
    const room: RoomRecord = { id: webexId('ROOM', uuid), uuid, type, title, creatorId, created: now, lastActivity: now };
    this.state.addRoom(room);
    return room;
  }

  private addMembership(room: RoomRecord, personId: string): MembershipRecord {
    const person = this.state.requirePerson(personId);
    const membership: MembershipRecord = {
      id: webexId('MEMBERSHIP', `${person.uuid}:${room.uuid}`),
      roomId: room.id,
      personId: person.person.id,
      created: this.state.now(),
      isModerator: false,
    };
    this.state.addMembership(membership);
    return membership;
  }

  /** memberships:created for everyone in the space (after all of a new space's members were added). */
  private announce(membership: MembershipRecord, actorId: string): void {
    const roomId = membership.roomId;
    this.dispatcher.dispatch({
      resource: 'memberships',
      event: 'created',
      actorId,
      data: { ...this.membershipView(membership) },
      visibleTo: (ownerId) => this.state.isMember(roomId, ownerId),
    });
  }
}
