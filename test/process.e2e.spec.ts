// The process-level policy (issue 20): an error no caller can catch, thrown
// while a request is served, is logged as one structured line with that
// request's correlation id, and the process exits with code 1 so that its
// supervisor starts it again. Checked on the built server, run as a child.
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { admitted, conferenceWithCharter, expectStatus, signatureBody } from './support/data.js';
import { ADMIN_TOKEN, call } from './support/server.js';
import { freePort } from './support/tls.js';

const MAIN = resolve('dist/apps/server/src/main.js');
const FAULT = resolve('test/support/zlib-fault.mjs');

interface FatalLine {
  level: number;
  msg: string;
  event: string;
  origin: string;
  correlationId: string | null;
  err: { message: string; stack: string };
}

describe('an error no caller can catch', () => {
  let child: ChildProcess | undefined;
  let dataDir: string | undefined;

  afterAll(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('is one fatal JSON line with the request’s correlation id, then exit code 1', async () => {
    if (!existsSync(MAIN)) throw new Error('dist/ is missing: run `npm run build:server` first (npm test does)');
    dataDir = mkdtempSync(join(tmpdir(), 'emargement-fatal-'));
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      EVENT_STORE: 'sqlite',
      ADMIN_TOKEN,
      LOG_FORMAT: 'json',
    };
    for (const name of ['LOG_LEVEL', 'TLS', 'TLS_CERT_FILE', 'TLS_KEY_FILE', 'PUBLIC_URL', 'NODE_OPTIONS'])
      delete env[name];
    const started = spawn(process.execPath, ['--import', FAULT, MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    let out = '';
    let err = '';
    started.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    started.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((done) => started.once('exit', (code) => done(code)));
    await new Promise<void>((done, fail) => {
      const check = () => {
        if (out.includes('Émargement listening on')) {
          started.stdout.off('data', check);
          done();
        }
      };
      started.stdout.on('data', check);
      void exited.then(() => fail(new Error(`the server exited while starting:\n${out}\n${err}`)));
    });

    const api = `http://127.0.0.1:${port}/api`;
    const { cid, chid } = await conferenceWithCharter(api);
    const signer = await admitted(api, cid, { organisation: 'Le Labo de l’ESS' });
    expectStatus(
      await call(api, 'POST', `/conferences/${cid}/charters/${chid}/signatures`, signatureBody(signer.registrationId)),
      201,
    );

    // The PDF embeds the signature's picture: pdfkit inflates it in a zlib callback, which the fault makes throw.
    const correlationId = `crash-${randomUUID()}`;
    const answer = await fetch(`${api}/conferences/${cid}/charters/${chid}/document.pdf`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-correlation-id': correlationId },
    }).then(
      (res) => res.status,
      () => 'no answer' as const,
    );
    expect(answer).toBe('no answer');
    expect(await exited).toBe(1);

    const fatal = out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as FatalLine)
      .filter((l) => l.level === 60);
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatchObject({
      event: 'process_fatal',
      origin: 'uncaughtException',
      correlationId,
      err: { message: expect.stringContaining('incorrect header check') },
    });
    expect(fatal[0]!.msg).toContain('exiting with code 1');
    expect(err).toContain(
      `Émargement stops: an error no request could handle (uncaughtException, request ${correlationId})`,
    );
  });
});
