/**
 * The physical ceiling for a durable scan on this machine (issue 27): a bare
 * `node:http` server that, per POST, parses the JSON body and records it in
 * one `BEGIN IMMEDIATE … COMMIT` on better-sqlite3, with the event store's
 * own pragmas (WAL, `synchronous = FULL`: the answer leaves once the row is
 * on disk), and nothing else: no framework, no decision, no read model.
 * `bench/scans.bench.ts --mode=ceiling` drives it and the real server in the
 * same run with the same driver and prints the ratio.
 *
 *   node dist/bench/ceiling.js [--dir=/path] [--port=0]   (prints its URL; Ctrl-C stops it)
 */
import Database from 'better-sqlite3';
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Ceiling {
  url: string;
  /** Rows committed since the start (one per answered scan). */
  committed(): number;
  close(): Promise<void>;
}

export async function startCeiling(dir: string, port = 0): Promise<Ceiling> {
  const db = new Database(join(dir, 'ceiling.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE IF NOT EXISTS scans (id INTEGER PRIMARY KEY, scan_id TEXT NOT NULL, body TEXT NOT NULL)');
  const begin = db.prepare('BEGIN IMMEDIATE');
  const insert = db.prepare<[string, string]>('INSERT INTO scans (scan_id, body) VALUES (?, ?)');
  const commit = db.prepare('COMMIT');
  let rows = 0;
  const server = createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const body = Buffer.concat(chunks).toString('utf8');
        const scan = JSON.parse(body) as { scanId?: unknown };
        begin.run();
        insert.run(String(scan.scanId), body);
        commit.run();
        rows += 1;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(error) }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    committed: () => rows,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          db.close();
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=', 2) as [string, string]));
  const dir = args.get('dir') ?? mkdtempSync(join(os.tmpdir(), 'emargement-ceiling-'));
  void startCeiling(dir, Number(args.get('port') ?? 0)).then((c) => {
    console.log(`ceiling: ${c.url} (data in ${dir})`);
    process.on('SIGINT', () => void c.close().then(() => process.exit(0)));
  });
}
