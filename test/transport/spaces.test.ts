import { EventEmitter } from 'node:events';
import { rememberSpaces, type FrameworkSpaces, type SpaceMemory } from '../../src/transport/spaces';

/** The framework's side, as far as spaces go: it pushes a bot object and emits `spawn`. */
class FakeFramework extends EventEmitter implements FrameworkSpaces {
  bots: Array<{ room: { id: string }; stopped: boolean; stop(): void }> = [];
  forgotten: string[] = [];
  forgetByRoomId = (roomId: string) => {
    this.forgotten.push(roomId);
    return Promise.resolve(true);
  };
  findBotObjectInRoom(roomId: string) {
    return this.bots.find((b) => b.room.id === roomId);
  }
  spawn(roomId: string) {
    const bot = { room: { id: roomId }, stopped: false, stop() { this.stopped = true; } };
    this.bots.push(bot);
    this.emit('spawn', bot);
    return bot;
  }
  despawn(roomId: string) {
    const bot = this.findBotObjectInRoom(roomId)!;
    this.emit('despawn', bot);
    this.bots = this.bots.filter((b) => b !== bot);
  }
}

const MINUTE = 60_000;

/** An event of a space the framework has not seen: the transport marks it used, the framework discovers it. */
function arrive(fw: FakeFramework, spaces: SpaceMemory, roomId: string, atMs: number) {
  spaces.touch(roomId, atMs);
  return fw.spawn(roomId);
}

describe('the spaces the framework remembers', () => {
  it('finds a space by map, not by walking the array', () => {
    const fw = new FakeFramework();
    const spaces = rememberSpaces(fw, { maxSpaces: 100, idleMs: 60 * MINUTE });
    const bot = fw.spawn('room-1');
    fw.spawn('room-2');
    fw.bots.find = () => {
      throw new Error('walked the array');
    };
    expect(fw.findBotObjectInRoom('room-1')).toBe(bot);
    expect(fw.findBotObjectInRoom('room-3')).toBeUndefined();
    expect(spaces.has('room-2')).toBe(true);
    expect(spaces.size()).toBe(2);
  });

  it('forgets the least recently used spaces beyond the limit: bot stopped, storage forgotten, array trimmed', () => {
    const fw = new FakeFramework();
    const spaces = rememberSpaces(fw, { maxSpaces: 2, idleMs: 60 * MINUTE });
    for (const [i, id] of ['a', 'b', 'c'].entries()) {
      arrive(fw, spaces, id, i * MINUTE);
    }
    spaces.touch('a', 5 * MINUTE); // a spoke again: now b is the oldest
    const b = fw.findBotObjectInRoom('b')!;
    expect(spaces.evictIdle(6 * MINUTE)).toBe(1);
    expect(fw.bots.map((x) => x.room.id).sort()).toEqual(['a', 'c']);
    expect(fw.forgotten).toEqual(['b']);
    expect(b.stopped).toBe(true);
    expect(fw.findBotObjectInRoom('b')).toBeUndefined();
    expect(spaces.has('a') && spaces.has('c')).toBe(true);
  });

  it('forgets the oldest as soon as new spaces take the count past the limit, without waiting for a sweep', () => {
    const fw = new FakeFramework();
    const spaces = rememberSpaces(fw, { maxSpaces: 100, idleMs: 60 * MINUTE });
    let most = 0;
    for (let i = 0; i < 1000; i++) {
      arrive(fw, spaces, `room-${i}`, i);
      most = Math.max(most, fw.bots.length);
    }
    // At most two past the limit (a batch of 1/50th of it) at any time; the newest are kept.
    expect(most).toBe(102);
    expect(spaces.size()).toBeLessThanOrEqual(102);
    expect(fw.bots.length).toBe(spaces.size());
    expect(spaces.has('room-999') && spaces.has('room-900')).toBe(true);
    expect(spaces.has('room-0') || spaces.has('room-897')).toBe(false);
    expect(fw.forgotten).toHaveLength(1000 - spaces.size());
  });

  it('never forgets the space it has just discovered, even one that was never used', () => {
    const fw = new FakeFramework();
    const spaces = rememberSpaces(fw, { maxSpaces: 10, idleMs: 60 * MINUTE });
    for (let i = 0; i < 11; i++) {
      arrive(fw, spaces, `room-${i}`, i);
    }
    const added = fw.spawn('added-to-space'); // spawned by a membership event, never touched
    expect(fw.findBotObjectInRoom('added-to-space')).toBe(added);
    expect(added.stopped).toBe(false);
    expect(spaces.size()).toBe(10);
    expect(spaces.has('room-0') || spaces.has('room-1')).toBe(false);
  });

  it('never forgets a space while the framework is reading one of its events', () => {
    const fw = new FakeFramework();
    const spaces = rememberSpaces(fw, { maxSpaces: 10, idleMs: MINUTE });
    arrive(fw, spaces, 'busy', 0);
    spaces.hold('busy');
    spaces.hold('busy'); // two events of it at once
    for (let i = 0; i < 20; i++) {
      arrive(fw, spaces, `room-${i}`, i + 1);
    }
    expect(spaces.evictIdle(10 * MINUTE)).toBeGreaterThan(0);
    expect(spaces.has('busy')).toBe(true);
    spaces.release('busy');
    spaces.evictIdle(10 * MINUTE);
    expect(spaces.has('busy')).toBe(true);
    spaces.release('busy');
    spaces.evictIdle(10 * MINUTE);
    expect(spaces.has('busy')).toBe(false);
    expect(fw.forgotten).toContain('busy');
  });

  it('forgets spaces idle for longer than idleMs, keeps the others', () => {
    const fw = new FakeFramework();
    const spaces = rememberSpaces(fw, { maxSpaces: 100, idleMs: 60 * MINUTE });
    arrive(fw, spaces, 'old', 0);
    arrive(fw, spaces, 'recent', 30 * MINUTE);
    expect(spaces.evictIdle(61 * MINUTE)).toBe(1);
    expect(spaces.has('old')).toBe(false);
    expect(spaces.has('recent')).toBe(true);
    expect(spaces.evictIdle(62 * MINUTE)).toBe(0);
  });

  it('a forgotten space is discovered again on its next event', () => {
    const fw = new FakeFramework();
    const spaces = rememberSpaces(fw, { maxSpaces: 0, idleMs: 60 * MINUTE });
    arrive(fw, spaces, 'room', 0);
    spaces.evictIdle(1);
    expect(fw.findBotObjectInRoom('room')).toBeUndefined();
    const again = arrive(fw, spaces, 'room', 2);
    expect(fw.findBotObjectInRoom('room')).toBe(again);
  });

  it('follows the framework when it leaves a space', () => {
    const fw = new FakeFramework();
    const spaces = rememberSpaces(fw, { maxSpaces: 100, idleMs: MINUTE });
    arrive(fw, spaces, 'left', 0);
    fw.despawn('left');
    expect(spaces.has('left')).toBe(false);
    expect(fw.findBotObjectInRoom('left')).toBeUndefined();
    expect(spaces.size()).toBe(0);
  });
});
