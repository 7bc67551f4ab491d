import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { Pool } from 'pg';
import { prepared } from '../../src/store/prepared';
import { POSTGRES_URL } from './helpers';

interface Tables {
  items: { id: string; size: number; label: string | null };
}

const backends: Array<[string, () => Kysely<Tables>]> = [
  ['sqlite', () => new Kysely<Tables>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) })],
  ['postgres', () => new Kysely<Tables>({ dialect: new PostgresDialect({ pool: new Pool({ connectionString: POSTGRES_URL, max: 1 }) }) })],
];

describe.each(backends)('a prepared statement (%s)', (_name, open) => {
  let db: Kysely<Tables>;
  beforeEach(async () => {
    db = open();
    // A temporary table: each Postgres connection has its own, so tests never meet.
    await sql`CREATE TEMPORARY TABLE items (id TEXT PRIMARY KEY, size INTEGER NOT NULL, label TEXT)`.execute(db);
  });
  afterEach(() => db.destroy());

  it('is built and compiled once, then runs with each call’s values in their places', async () => {
    let builds = 0;
    const insert = prepared(db, (id: string, size: number, label: string | null) => {
      builds += 1;
      return db.insertInto('items').values({ id, size, label }).onConflict((oc) => oc.column('id').doNothing());
    });
    const bySize = prepared(db, (least: number) => db.selectFrom('items').select(['id', 'label']).where('size', '>=', least).orderBy('id'));
    expect(Number((await insert('a', 1, 'one')).numAffectedRows)).toBe(1);
    expect(Number((await insert('b', 5, null)).numAffectedRows)).toBe(1);
    expect(Number((await insert('a', 9, 'again')).numAffectedRows)).toBe(0);
    expect(builds).toBe(1);
    expect((await bySize(0)).rows).toEqual([
      { id: 'a', label: 'one' },
      { id: 'b', label: null },
    ]);
    expect((await bySize(2)).rows).toEqual([{ id: 'b', label: null }]);
  });

  it('keeps the constants of the statement and may use one value twice', async () => {
    await db.insertInto('items').values({ id: 'x', size: 3, label: 'kept' }).execute();
    const relabel = prepared(db, (id: string, label: string) =>
      db.updateTable('items').set({ label, size: 7 }).where('id', '=', id).where('label', '<>', label),
    );
    expect(Number((await relabel('x', 'new')).numAffectedRows)).toBe(1);
    expect(Number((await relabel('x', 'new')).numAffectedRows)).toBe(0);
    expect(await db.selectFrom('items').selectAll().execute()).toEqual([{ id: 'x', size: 7, label: 'new' }]);
  });

  it('refuses a build that lets a value decide the statement instead of filling it', async () => {
    const shaped = prepared(db, (id: string, withLabel: boolean) =>
      withLabel ? db.selectFrom('items').select('label').where('id', '=', id) : db.selectFrom('items').select('id').where('id', '=', id),
    );
    await expect(shaped('x', true)).rejects.toThrow('uses 1 of its 2 values');
    await expect(shaped('x', false)).rejects.toThrow('uses 1 of its 2 values');
  });
});
