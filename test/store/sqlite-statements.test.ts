import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { silentLogger } from '../../src/log';
import { createStore } from '../../src/store';

/** The SQLite store prepares each statement once and reuses it (see keepingStatements in dialect.ts). */
describe('sqlite store statements', () => {
  it('prepares a query once, however often it runs', async () => {
    const prepare = jest.spyOn(Database.prototype, 'prepare');
    const store = createStore({ url: 'sqlite::memory:', encryptionKey: randomBytes(32), logger: silentLogger() });
    try {
      await store.init();
      await store.setTimezoneOverride('person-1', 'Europe/Paris');
      prepare.mockClear();
      for (let i = 0; i < 5; i++) await store.getSettings(`person-${i}`);
      await store.setTimezoneOverride('person-2', 'Asia/Tokyo');
      await store.setTimezoneOverride('person-3', 'Asia/Tokyo');
      const texts = prepare.mock.calls.map(([text]) => text);
      expect(texts.filter((t) => /select/i.test(t))).toHaveLength(1);
      expect(new Set(texts).size).toBe(texts.length);
      await expect(store.getSettings('person-2')).resolves.toMatchObject({ timezoneOverride: 'Asia/Tokyo' });
    } finally {
      await store.close();
      prepare.mockRestore();
    }
  });
});
