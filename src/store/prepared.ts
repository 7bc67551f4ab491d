import { CompiledQuery, type Compilable, type QueryResult } from 'kysely';

/** What runs a compiled statement: a Kysely instance. */
interface Executor {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

/** Stands for the n-th value of a prepared statement while it is compiled. */
class Slot {
  constructor(readonly index: number) {}
}

/**
 * A statement the bot runs for every event, built and compiled by Kysely once instead of on every
 * call: `build` is called with placeholders, its SQL text is kept, and each call sends that text
 * with the values in their places. Building and compiling cost about as much CPU as SQLite's own
 * work on these statements (`npm run bench`).
 *
 * `build` must use every value as a value only (in `values`, `set` or a comparison), never to
 * decide the statement's shape; a value that does not reach the compiled statement is refused
 * when it is first compiled.
 */
export function prepared<Values extends unknown[], Row>(
  db: Executor,
  build: (...values: Values) => Compilable<Row>,
): (...values: Values) => Promise<QueryResult<Row>> {
  let compiled: { sql: string; parameters: readonly unknown[] } | undefined;
  return async (...values) => {
    if (!compiled) {
      const slots = values.map((_, i) => new Slot(i)) as Values;
      const built = build(...slots).compile();
      const used = new Set(built.parameters.filter((p): p is Slot => p instanceof Slot).map((p) => p.index));
      if (used.size !== values.length) throw new Error(`a prepared statement uses ${used.size} of its ${values.length} values as values`);
      compiled = built;
    }
    const parameters = compiled.parameters.map((p) => (p instanceof Slot ? values[p.index] : p));
    return await db.executeQuery(CompiledQuery.raw(compiled.sql, parameters) as CompiledQuery<Row>);
  };
}
