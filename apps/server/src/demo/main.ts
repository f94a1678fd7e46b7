// `npm run demo`: the server with the PTCE 2014 day loaded (the conference,
// its 413 registration rows), so that a newcomer sees a populated system in
// one command. The loading goes through the same commands as the HTTP API,
// so the demo data is exactly what an organiser would have produced.
import type { INestApplication } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeCsvBytes, type ConferenceDetails } from '@emargement/conference';
import { createApp } from '../app.js';
import { adminTokenPath } from '../auth/admin-token.js';
import { ADMIN_DEVICE_ID, DeviceRegistry } from '../auth/device-registry.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { ConferenceRegistry } from '../conferences/conference-registry.js';
import { PublishCharterCommand } from '../charters/publish-charter/publish-charter.js';
import { simulateDay } from './simulation.js';
import { ScheduleConferenceCommand } from '../conferences/schedule-conference/schedule-conference.js';
import {
  ImportRegistrationsCommand,
  type ImportReport,
} from '../conferences/import-registrations/import-registrations.js';
import type { RequestContext } from '../shared/request-context.js';
import { DefineSpaceCommand } from '../spaces/spaces.js';
import { ClosingTime } from '../spaces/closing-time.js';
import { Clock } from '../shared/clock.js';
import type { SpaceDefinition } from '@emargement/spaces';

/** Fixed, so that the demo's URLs are the same on every machine and every start. */
export const DEMO_CONFERENCE_ID = '20140919-9ce0-4a7c-8e15-000000002014';
export const DEMO_CHARTER_ID = '20140919-c4a7-4e00-8000-000000001600';

export interface DemoReport {
  conferenceId: string;
  /** `scheduled` on the first start; `already_loaded` when the data directory holds the demo already. */
  conference: 'scheduled' | 'already_loaded';
  /** The import's report, or null when the registrations were loaded by an earlier start. */
  registrations: Omit<ImportReport, 'lines'> | null;
  /** The charter of the day, published from the fixture's charter.md (idempotent). */
  charterId: string;
}

/** The repository's root: the nearest folder above this file holding the project's package.json. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'emargement')
      return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('demo: cannot find the repository root (package.json of emargement)');
    dir = parent;
  }
}

/**
 * Where the fixture is: `EMARGEMENT_FIXTURES_DIR` when set, otherwise the
 * shared folder beside the repository (`../shared/fixtures/ptce-2014`), as
 * laid out on the developers' machines and in CI.
 */
export function fixturesDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.EMARGEMENT_FIXTURES_DIR?.trim();
  const dir = fromEnv ? resolve(fromEnv) : resolve(repoRoot(), '..', 'shared', 'fixtures', 'ptce-2014');
  if (!existsSync(join(dir, 'conference.json')) || !existsSync(join(dir, 'registrations.csv'))) {
    throw new Error(
      `demo: no PTCE 2014 fixture in ${dir} (set EMARGEMENT_FIXTURES_DIR to the folder holding conference.json)`,
    );
  }
  return dir;
}

/** The fixture's conference.json, printed programme included (the dashboard marks it on the curve of the day). */
function conferenceDetails(raw: Record<string, unknown>): ConferenceDetails {
  const d = raw as unknown as ConferenceDetails;
  const programme = (d.programme ?? []).filter(
    (p: { at?: unknown; title?: unknown } | null) => typeof p?.at === 'string' && typeof p.title === 'string',
  );
  return {
    name: d.name,
    venue: d.venue,
    startsAt: d.startsAt,
    endsAt: d.endsAt,
    timezone: d.timezone,
    capacity: d.capacity,
    idCheckRequired: d.idCheckRequired,
    lunch: d.lunch ? { priceCents: d.lunch.priceCents, currency: d.lunch.currency } : null,
    doors: d.doors ?? [],
    ...(programme.length > 0 ? { programme: programme.map((p) => ({ at: p.at, title: p.title })) } : {}),
  };
}

/**
 * Loads the demo into a running application (created, not necessarily
 * listening) and tells what it did. Idempotent: once the conference holds
 * registrations, a later start loads nothing, so that what a visitor did in
 * the demo (a cancellation, say) is not undone by the next start. Importing
 * the file again would re-register a cancelled person, whose address is free
 * again.
 */
export async function loadDemo(app: INestApplication, fixtures: string = fixturesDir()): Promise<DemoReport> {
  await app.init();
  const commands = app.get(CommandBus);
  const registry = app.get(ConferenceRegistry);
  const ctx: RequestContext = {
    deviceId: 'demo-loader',
    role: 'organiser',
    correlationId: randomUUID(),
    userAgent: null,
  };
  // The charter of 16:00. Publishing it again with the same id and text
  // answers as the first time and writes nothing.
  const charterText = readFileSync(join(fixtures, 'charter.md'), 'utf8');
  const title = /^#\s+(.+)$/m.exec(charterText)?.[1]?.trim() ?? 'Charte';
  const publishCharter = () =>
    commands.execute(new PublishCharterCommand(DEMO_CONFERENCE_ID, DEMO_CHARTER_ID, title, charterText, ctx));

  /** The day's « espaces dédiés » from the fixture's spaces.json, with fixed ids: defined again, they write nothing. */
  const defineSpaces = async () => {
    const raw = JSON.parse(readFileSync(join(fixtures, 'spaces.json'), 'utf8')) as (Partial<SpaceDefinition> & {
      name: string;
      opens: string;
      closes: string;
    })[];
    for (const [i, space] of raw.entries()) {
      const definition: SpaceDefinition = {
        spaceId: `20140919-5ace-4000-8000-${String(i + 1).padStart(12, '0')}`,
        name: space.name,
        opens: space.opens,
        closes: space.closes,
        capacity: space.capacity ?? null,
        audience: space.audience && space.audience.length > 0 ? [...space.audience] : null,
        requiresLunch: space.requiresLunch ?? false,
        oneEntry: space.oneEntry ?? false,
        exitScan: space.exitScan ?? true,
      };
      await commands.execute(new DefineSpaceCommand(DEMO_CONFERENCE_ID, definition, ctx));
    }
  };

  const { state } = await registry.current(DEMO_CONFERENCE_ID);
  let conference: DemoReport['conference'] = 'already_loaded';
  if (state.status !== 'scheduled') {
    const raw = JSON.parse(readFileSync(join(fixtures, 'conference.json'), 'utf8')) as Record<string, unknown>;
    await commands.execute(new ScheduleConferenceCommand(DEMO_CONFERENCE_ID, conferenceDetails(raw), ctx));
    conference = 'scheduled';
  } else if (state.registrations.size > 0) {
    await defineSpaces();
    await publishCharter();
    return { conferenceId: DEMO_CONFERENCE_ID, conference, registrations: null, charterId: DEMO_CHARTER_ID };
  }
  // Read as the import route reads an upload: UTF-8, or else Windows-1252.
  const csv = decodeCsvBytes(readFileSync(join(fixtures, 'registrations.csv')));
  if (!csv.ok) throw new Error(`registrations.csv: ${csv.reason} at byte ${csv.offset + 1}`);
  const { lines: _lines, ...report } = await commands.execute(
    new ImportRegistrationsCommand(DEMO_CONFERENCE_ID, csv.text, csv.encoding, ctx),
  );
  await defineSpaces();
  await publishCharter();
  return { conferenceId: DEMO_CONFERENCE_ID, conference, registrations: report, charterId: DEMO_CHARTER_ID };
}

async function main(): Promise<void> {
  let config;
  try {
    // The demo keeps its own data directory, away from a real ./data.
    config = loadConfig({ ...process.env, DATA_DIR: process.env.DATA_DIR?.trim() || './data/demo' });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const app = await createApp(config);
  const report = await loadDemo(app);
  await app.listen(config.port);
  const base = `http://localhost:${config.port}`;
  const id = report.conferenceId;
  // Devices for this run, as an organiser would pair them: each link carries
  // its device token in the fragment (never sent to the server).
  const devices = app.get(DeviceRegistry);
  const organiser = { deviceId: ADMIN_DEVICE_ID, name: 'demo', role: 'organiser' as const, conferenceId: null };
  const stamp = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const link = async (name: string, role: 'door' | 'kiosk' | 'display', path: string, extra = ''): Promise<string> => {
    const { token } = await devices.enrol({ name: `${name} (démo ${stamp})`, role, conferenceId: id }, organiser, {
      actor: { deviceId: ADMIN_DEVICE_ID, role: 'organiser' },
      deviceId: ADMIN_DEVICE_ID,
    });
    return `${base}/${path}/#conference=${id}${extra}&token=${token}`;
  };
  const adminToken = config.adminToken ?? readFileSync(adminTokenPath(config.dataDir), 'utf8').trim();
  const door = await link('Porte', 'door', 'door');
  const kiosk = await link('Tablette charte', 'kiosk', 'kiosk', `&charter=${report.charterId}`);
  const dashboard = await link('Grand écran', 'display', 'dashboard');
  const loaded = report.registrations
    ? `loaded: ${report.registrations.created} registrations, ${report.registrations.duplicates} duplicate, ${report.registrations.rejected.length} rejected`
    : 'already loaded by an earlier start';
  process.stdout.write(
    [
      '',
      `Émargement demo: PTCE 2014 (${loaded})`,
      `  data:        ${config.dataDir} (event store: ${config.eventStore}; delete the folder to start afresh)`,
      `  door app:    ${door}`,
      `  organisers:  ${base}/admin/#conference=${id}&token=${adminToken}`,
      `  dashboard:   ${dashboard}`,
      `  kiosk:       ${kiosk}`,
      // The charter in the query, where the charter page reads it (a fragment's charter is only a kiosk's).
      `  charter:     ${base}/charter/?conference=${id}&charter=${report.charterId}#token=${adminToken}`,
      `  tickets:     ${base}/api/conferences/${id}/tickets.pdf (Authorization: Bearer <organiser token>)`,
      `  API docs:    ${base}/api/docs`,
      '',
    ].join('\n'),
  );
  const options = simulationOptions(process.argv.slice(2));
  if (options === null) return;
  process.stdout.write(
    `Simulating the day at ${options.speed}× (a minute of the day every ${(60 / options.speed).toFixed(2)} s): watch the dashboard.\n`,
  );
  // The rehearsal runs on the day's clock: the server's one clock (`Clock`) follows the simulated time, so the
  // spaces' hours, their closing-time sweep and the dashboard's « open now » are those of 19 September 2014 as it
  // is played. On the machine's clock the sweep would find a day long over and check every room out at once.
  const clock = app.get(Clock);
  const { tally } = await simulateDay({
    base: `http://127.0.0.1:${config.port}`,
    organiserToken: adminToken,
    conferenceId: id,
    charterId: report.charterId,
    speed: options.speed,
    onTime: (at) => clock.setTo(new Date(at)),
    log: (line) => process.stdout.write(`  ${line}\n`),
  });
  // The end of the day on the day's clock: whoever is still in a room is checked out, recorded (end_of_day).
  const scheduled = await app.get(ConferenceRegistry).scheduled(id);
  clock.setTo(new Date(Math.max(clock.now().getTime(), Date.parse(scheduled.details.endsAt))));
  await app.get(ClosingTime).sweep();
  process.stdout.write(
    `The day is over: ${tally.present} present, ${Object.values(tally.refused).reduce((a, b) => a + b, 0)} refusals, ${tally.lunchPaid} lunches paid, ${tally.signatures} signatures, charter closed. The server keeps running, its clock left at the day's end.\n`,
  );
}

/** `--simulate [--speed N]` (60 by default: a minute of the day a second); `null` without `--simulate`. */
export function simulationOptions(args: readonly string[]): { speed: number } | null {
  if (!args.includes('--simulate')) return null;
  const at = args.indexOf('--speed');
  const speed = at >= 0 ? Number(args[at + 1]) : 60;
  if (!Number.isFinite(speed) || speed <= 0) throw new Error('--speed takes a positive number, e.g. --speed 120');
  return { speed };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
