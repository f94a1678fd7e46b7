import type Database from 'better-sqlite3';

/** Rows per statement: 64 rows of up to 8 columns stay far below SQLite's limit on bound values (32,766). */
const CHUNK = 64;
/** From this many rows a write is sorted by key first (a replay's batch; a live one is a handful). */
const SORT_FROM = 256;

/**
 * Writes many rows of one table with few statements (issue 27: the rebuild
 * spent most of its time in one `INSERT` per row): `INSERT … VALUES (…),
 * (…), …` of up to 64 rows, the statement for a full chunk prepared once.
 * A large write is sorted by its first column, the table's key, so the
 * B-tree is filled in order rather than at random places (the keys are
 * UUIDs). What a row means is the caller's; `tail` is the conflict clause,
 * the same for every row (`ON CONFLICT (id) DO UPDATE SET …`).
 */
export class RowWriter<Row extends readonly (string | number | bigint | null)[]> {
  private readonly one: Database.Statement<unknown[]>;
  private readonly full: Database.Statement<unknown[]>;

  constructor(
    private readonly db: Database.Database,
    private readonly head: string,
    private readonly width: number,
    private readonly tail: string,
  ) {
    this.one = db.prepare(this.sql(1));
    this.full = db.prepare(this.sql(CHUNK));
  }

  private sql(rows: number): string {
    const row = `(${Array.from({ length: this.width }, () => '?').join(', ')})`;
    return `${this.head} VALUES ${Array.from({ length: rows }, () => row).join(', ')} ${this.tail}`;
  }

  /** Writes `rows` (inside the caller's transaction). */
  write(rows: Row[]): void {
    if (rows.length >= SORT_FROM) rows.sort((a, b) => compareKeys(a[0], b[0]));
    let i = 0;
    const values: unknown[] = new Array<unknown>(CHUNK * this.width);
    for (; i + CHUNK <= rows.length; i += CHUNK) {
      for (let r = 0; r < CHUNK; r += 1) {
        const row = rows[i + r]!;
        for (let c = 0; c < this.width; c += 1) values[r * this.width + c] = row[c];
      }
      this.full.run(values);
    }
    for (; i < rows.length; i += 1) this.one.run([...rows[i]!]);
  }
}

function compareKeys(a: unknown, b: unknown): number {
  // The keys are strings (ids): plain code-unit order, which is what SQLite's BINARY collation uses for ASCII.
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
