// The real-browser harness: Debian's Chromium driven by playwright-core, and a
// ticket image turned into a fake camera feed. Nothing here downloads a browser.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { readFixture } from '@emargement/testing';
import { PNG } from 'pngjs';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface LaunchOptions {
  /** A .y4m file that Chromium plays, looped, as the only camera. */
  fakeCameraFile?: string;
  /** Chromium's environment instead of this process's (e.g. a HOME whose NSS database trusts a test CA). */
  env?: Record<string, string | undefined>;
  /** More command-line switches (e.g. `--host-resolver-rules`). */
  args?: string[];
}

/**
 * Starts headless Chromium. The background-networking flags stop it from
 * calling Google's services, which a machine without internet answers with a
 * storm of refused connections (and slow starts).
 */
export async function launchBrowser(opts: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`No Chromium at ${CHROMIUM_PATH}: install Debian's package (apt-get install -y chromium)`);
  }
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ];
  if (opts.fakeCameraFile) {
    if (!existsSync(opts.fakeCameraFile)) throw new Error(`Fake camera file missing: ${opts.fakeCameraFile}`);
    args.push(
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${opts.fakeCameraFile}`,
    );
  }
  args.push(...(opts.args ?? []));
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args,
    headless: true,
    ...(opts.env ? { env: opts.env } : {}),
  });
}

export interface Y4mOptions {
  /** Frame size; even numbers (4:2:0 halves both). Default 640×480, a common webcam size. */
  width?: number;
  height?: number;
  /** Frames in the file; Chromium loops it, so a still picture needs few. Default 2. */
  frames?: number;
  /** Frames per second announced in the header. Default 10. */
  fps?: number;
}

/**
 * Writes a YUV4MPEG2 (4:2:0) file showing the PNG centred on white, scaled to
 * fit with a margin, for `--use-file-for-fake-video-capture`. RGB → YCbCr is
 * full-range BT.601 (what `C420jpeg` declares); downscaling averages the
 * source pixels under each output pixel, so a QR code's modules stay crisp
 * enough to decode.
 */
export function pngToY4m(pngPath: string, outPath: string, opts: Y4mOptions = {}): void {
  const width = opts.width ?? 640;
  const height = opts.height ?? 480;
  const frames = opts.frames ?? 2;
  const fps = opts.fps ?? 10;
  if (width % 2 !== 0 || height % 2 !== 0) throw new Error('y4m 4:2:0 needs an even width and height');

  const png = PNG.sync.read(readFileSync(pngPath));
  const rgb = fitOnWhite(png, width, height, 0.9);

  const ySize = width * height;
  const cw = width / 2;
  const ch = height / 2;
  const frame = Buffer.alloc(ySize + 2 * cw * ch);
  for (let i = 0; i < ySize; i++) {
    const r = rgb[i * 3]!;
    const g = rgb[i * 3 + 1]!;
    const b = rgb[i * 3 + 2]!;
    frame[i] = clamp(0.299 * r + 0.587 * g + 0.114 * b);
  }
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      // Chroma is the average of the 2×2 block it covers.
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dx, dy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ] as const) {
        const p = ((2 * y + dy) * width + 2 * x + dx) * 3;
        r += rgb[p]!;
        g += rgb[p + 1]!;
        b += rgb[p + 2]!;
      }
      r /= 4;
      g /= 4;
      b /= 4;
      frame[ySize + y * cw + x] = clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
      frame[ySize + cw * ch + y * cw + x] = clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
    }
  }

  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`, 'ascii');
  const frameHeader = Buffer.from('FRAME\n', 'ascii');
  const parts: Buffer[] = [header];
  for (let i = 0; i < frames; i++) parts.push(frameHeader, frame);
  writeFileSync(outPath, Buffer.concat(parts));
}

const clamp = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/** RGB bytes of a width×height white canvas with the image (alpha composited on white) scaled to fit `fill` of it. */
function fitOnWhite(png: PNG, width: number, height: number, fill: number): Uint8Array {
  const out = new Uint8Array(width * height * 3).fill(255);
  const scale = Math.min((width * fill) / png.width, (height * fill) / png.height);
  const w = Math.max(1, Math.floor(png.width * scale));
  const h = Math.max(1, Math.floor(png.height * scale));
  const left = Math.floor((width - w) / 2);
  const top = Math.floor((height - h) / 2);
  const src = png.data;
  for (let y = 0; y < h; y++) {
    const sy0 = Math.floor(y / scale);
    const sy1 = Math.min(png.height, Math.max(sy0 + 1, Math.floor((y + 1) / scale)));
    for (let x = 0; x < w; x++) {
      const sx0 = Math.floor(x / scale);
      const sx1 = Math.min(png.width, Math.max(sx0 + 1, Math.floor((x + 1) / scale)));
      let r = 0;
      let g = 0;
      let b = 0;
      let n = 0;
      for (let sy = sy0; sy < sy1; sy++) {
        for (let sx = sx0; sx < sx1; sx++) {
          const p = (sy * png.width + sx) * 4;
          const a = src[p + 3]! / 255;
          r += src[p]! * a + 255 * (1 - a);
          g += src[p + 1]! * a + 255 * (1 - a);
          b += src[p + 2]! * a + 255 * (1 - a);
          n++;
        }
      }
      const o = ((top + y) * width + left + x) * 3;
      out[o] = r / n;
      out[o + 1] = g / n;
      out[o + 2] = b / n;
    }
  }
  return out;
}

/** The built web app the server serves; the browser tests need it. */
export function assertWebBuilt(): void {
  if (!existsSync(join(resolve('apps/web/dist'), 'index.html'))) {
    throw new Error('apps/web/dist is missing: run `npm run build:web` before the browser tests');
  }
}

export interface PtceConference {
  name: string;
  venue: string;
  startsAt: string;
  endsAt: string;
  timezone: string;
  capacity: number;
  idCheckRequired: boolean;
  lunch: { priceCents: number; currency: string };
  doors: string[];
}

/** The PTCE 2014 day as `POST /api/conferences` takes it: the fixture without its printed programme. */
export function ptceConference(): PtceConference {
  const { programme: _programme, ...details } = JSON.parse(
    readFixture('ptce-2014/conference.json'),
  ) as PtceConference & {
    programme: unknown;
  };
  return details;
}

// ------------------------------------------------------------------ devices

export type DeviceRole = 'organiser' | 'door' | 'kiosk' | 'display';

/** The page a device of each role is enrolled on (the organisers' pairing QR code points there). */
export const APP_OF_ROLE: Record<DeviceRole, string> = {
  organiser: 'admin',
  door: 'door',
  kiosk: 'kiosk',
  display: 'dashboard',
};

/**
 * Enrols a device through the API (`POST /api/devices`, as the organiser) and
 * returns its token, shown this once.
 */
export async function enrolDevice(
  base: string,
  adminToken: string,
  device: { name: string; role: DeviceRole; conferenceId?: string },
): Promise<{ deviceId: string; token: string }> {
  const res = await fetch(`${base}/api/devices`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify(device),
  });
  const body = (await res.json()) as { deviceId: string; token: string };
  if (res.status !== 201) throw new Error(`POST /api/devices answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

/**
 * The address a paired device opens: `<base>/<app>/[?query]#conference=<cid>&token=<token>`,
 * as the pairing QR code carries it (the token in the fragment, never sent to the server).
 */
export function enrolmentUrl(
  base: string,
  app: string,
  token: string,
  conferenceId?: string,
  query: Record<string, string> = {},
): string {
  const fragment = new URLSearchParams();
  if (conferenceId) fragment.set('conference', conferenceId);
  fragment.set('token', token);
  const search = new URLSearchParams(query).toString();
  return `${base}/${app}/${search ? `?${search}` : ''}#${fragment.toString()}`;
}

/** Signatures made over the API: the same drawn line as the HTTP tests use. */
export { signaturePng, strokes as signatureStrokes } from './data.js';

/**
 * A conference on today's date, an hour in and eight to go, in Paris: what the door's tests set up (a day long
 * past would wipe the door's offline list). The fields given replace these defaults.
 */
export function todaysConference(fields: Record<string, unknown>): Record<string, unknown> {
  const now = Date.now();
  return {
    name: 'Journée des PTCE',
    venue: 'Mairie',
    startsAt: new Date(now - 3_600_000).toISOString(),
    endsAt: new Date(now + 8 * 3_600_000).toISOString(),
    timezone: 'Europe/Paris',
    capacity: 100,
    idCheckRequired: false,
    ...fields,
  };
}
