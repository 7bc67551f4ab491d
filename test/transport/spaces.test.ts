import { EventEmitter } from 'node:events';
import { rememberSpaces, type FrameworkSpaces } from '../../src/transport/spaces';

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
    for (const [i, id] of ['a', 'b', 'c', 'd'].entries()) {
      spaces.touch(id, i * MINUTE);
      fw.spawn(id);
    }
    spaces.touch('a', 5 * MINUTE); // a spoke again: now b and c are the oldest
    const [b, c] = [fw.findBotObjectInRoom('b')!, fw.findBotObjectInRoom('c')!];
    expect(spaces.evictIdle(6 * MINUTE)).toBe(2);
    expect(fw.bots.map((x) => x.room.id).sort()).toEqual(['a', 'd']);
    expect(fw.forgotten.sort()).toEqual(['b', 'c']);
    expect([b.stopped, c.stopped]).toEqual([true, true]);
    expect(fw.findBotObjectInRoom('b')).toBeUndefined();
    expect(spaces.has('a') && spaces.has('d')).toBe(true);
  });

  it('forgets spaces idle for longer than idleMs, keeps the others', () => {
    const fw = new FakeFramework();
    const spaces = rememberSpaces(fw, { maxSpaces: 100, idleMs: 60 * MINUTE });
    spaces.touch('old', 0);
    fw.spawn('old');
    spaces.touch('recent', 30 * MINUTE);
    fw.spawn('recent');
    expect(spaces.evictIdle(61 * MINUTE)).toBe(1);
    expect(spaces.has('old')).toBe(false);
    expect(spaces.has('recent')).toBe(true);
    expect(spaces.evictIdle(62 * MINUTE)).toBe(0);
  });

  it('a forgotten space is discovered again on its next event', () => {
    const fw = new FakeFramework();
    const spaces = rememberSpaces(fw, { maxSpaces: 0, idleMs: 60 * MINUTE });
    spaces.touch('room', 0);
    fw.spawn('room');
    spaces.evictIdle(1);
    expect(fw.findBotObjectInRoom('room')).toBeUndefined();
    spaces.touch('room', 2);
    const again = fw.spawn('room');
    expect(fw.findBotObjectInRoom('room')).toBe(again);
  });

  it('follows the framework when it leaves a space', () => {
    const fw = new FakeFramework();
    const spaces = rememberSpaces(fw, { maxSpaces: 100, idleMs: MINUTE });
    spaces.touch('left', 0);
    fw.spawn('left');
    fw.despawn('left');
    expect(spaces.has('left')).toBe(false);
    expect(fw.findBotObjectInRoom('left')).toBeUndefined();
    expect(spaces.size()).toBe(0);
  });
});
