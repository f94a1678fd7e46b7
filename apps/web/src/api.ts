import { storage } from './storage';

/**
 * The HTTP contract (`shared/API.md`) as the browser apps use it. Shapes the
 * contract leaves open (the conference read, the ticket preview, the
 * registrations list) are read defensively by the `to*` functions below, so
 * that a field the server adds or names slightly differently degrades to a
 * blank, never to a crash at the door.
 */

export const CATEGORIES = ['participant', 'speaker', 'signatory', 'press', 'staff', 'official'] as const;
export type Category = (typeof CATEGORIES)[number];
export const DOCUMENT_KINDS = ['national_id', 'passport', 'residence_permit', 'driving_licence', 'other'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];
export const PAYMENT_METHODS = ['cash', 'cheque', 'card'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export const REFUSAL_REASONS = [
  'unknown_ticket',
  'cancelled',
  'waitlisted',
  'already_checked_in',
  'id_not_checked',
  'id_mismatch',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];
export type RegistrationStatus = 'registered' | 'waitlisted' | 'cancelled';

export interface LunchFee {
  priceCents: number;
  currency: string;
}

export interface Conference {
  conferenceId: string;
  name: string;
  venue: string;
  startsAt: string;
  endsAt: string;
  timezone: string;
  capacity: number;
  idCheckRequired: boolean;
  lunch: LunchFee | null;
  doors: string[];
}

export interface ConferenceSummary {
  conferenceId: string;
  name: string;
  startsAt?: string;
}

export interface IdCheck {
  document: DocumentKind;
  nameMatches: boolean;
}

export interface Admission {
  at: string;
  door: string;
}

/** A person as the door sees them, whether found by ticket code or by a name search. */
export interface Attendee {
  registrationId: string;
  firstName: string;
  lastName: string;
  organisation: string | null;
  category: Category | null;
  status: RegistrationStatus | null;
  lunch: boolean;
  lunchPaid: boolean;
  ticketCode: string | null;
  /** Set when the ticket is currently admitted. */
  admitted: Admission | null;
  /** The person exercised the right to be forgotten: name and e-mail are gone, only the counts remain. */
  erased: boolean;
}

export type TicketState = 'expected' | 'admitted' | 'cancelled' | 'waitlisted';

export interface TicketPreview {
  ticketCode: string;
  state: TicketState;
  attendee: Attendee;
}

export interface ScanRequest {
  scanId: string;
  ticketCode?: string;
  registrationId?: string;
  door: string;
  idCheck?: IdCheck;
  scannedAt: string;
  /** Decided on the phone without the server: recorded as it happened, flagged when the server would disagree. */
  offline?: { result: 'admitted' | 'refused'; reason?: RefusalReason };
}

/** Where the server, knowing everything, would have decided otherwise than the door did offline. */
export interface ScanConflict {
  reason: RefusalReason;
  previous?: Admission;
}

export interface ScanResult {
  scanId: string;
  result: 'admitted' | 'refused';
  reason?: RefusalReason;
  attendee?: Partial<Attendee>;
  admittedAt?: string;
  door?: string;
  previous?: Admission;
  conflict?: ScanConflict;
}

// ------------------------------------------------- the door without network

/** One ticket of the door's list: what the door needs to decide, and nothing else (no code, no e-mail). */
export interface DoorTicket {
  registrationId: string;
  /** SHA-256 of the ticket code's UTF-8 bytes, lower-case hex: the scanned code is hashed to find it. */
  ticketSha256: string;
  firstName: string;
  lastName: string;
  organisation: string | null;
  category: Category | null;
  status: RegistrationStatus;
  lunch: boolean;
  lunchPaid: boolean;
  admitted: Admission | null;
}

export interface DoorConference {
  name: string;
  doors: string[];
  idCheckRequired: boolean;
  lunch: LunchFee | null;
  startsAt: string;
  endsAt: string;
  timezone: string;
}

/** `GET .../door-dataset[?since=]`: the whole list (`complete`), or what changed after `since`. */
export interface DoorDataset {
  cursor: string;
  complete: boolean;
  conference: DoorConference;
  tickets: DoorTicket[];
  /** Registration ids to delete from the phone (erased persons). */
  removed: string[];
}

export interface Registration {
  registrationId: string;
  firstName: string;
  lastName: string;
  email: string;
  organisation: string | null;
  category: Category;
  lunch: boolean;
  lunchPaid: boolean;
  status: RegistrationStatus;
  ticketCode: string | null;
  erased: boolean;
  /** The standing admission, if any. */
  admitted: Admission | null;
  /** The last refusal at a door (shown when no admission stands). */
  refused: Refusal | null;
  /** A standing signature of one of the conference's charters. */
  signed: boolean;
}

export interface Refusal {
  at: string;
  door: string;
  reason: RefusalReason;
}

export interface ImportLine {
  line: number;
  registrationId?: string;
  status?: string;
  reason?: string;
  field?: string;
}

/** The contract's counts, and, when the server sends it, every line's fate (`lines`). */
export interface ImportReport {
  created: number | ImportLine[];
  duplicates: number | ImportLine[];
  rejected: (ImportLine & { reason: string })[];
  lines?: (ImportLine & { result: 'created' | 'duplicate' | 'rejected' })[];
}

export interface RegisterRequest {
  registrationId: string;
  firstName: string;
  lastName: string;
  email: string;
  organisation?: string;
  category: Category;
  lunch: boolean;
  photoConsent: boolean;
}

export interface ConferenceRequest {
  conferenceId?: string;
  name: string;
  venue: string;
  startsAt: string;
  endsAt: string;
  timezone: string;
  capacity: number;
  idCheckRequired: boolean;
  lunch?: LunchFee;
  doors: string[];
}

// ----------------------------------------------------------------- charter

export type CharterStatus = 'open' | 'closed';

export interface CharterSignature {
  sequence: number;
  signatureId: string;
  registrationId: string;
  name: string;
  onBehalfOf: string;
  signedAt: string;
  kiosk: string;
  hash: string;
  previousHash: string;
  voided: { reason: string; voidedAt: string } | null;
  /** The signer was erased: the entry stays in the chain, without a name. */
  erased: boolean;
}

export interface Charter {
  charterId: string;
  conferenceId: string;
  title: string;
  /** Markdown, exactly as published: its SHA-256 is `textSha256`. */
  text: string;
  textSha256: string;
  publishedAt: string;
  /** The charter's language: the tablet shows the consent wording in it (absent from older servers: fr). */
  lang?: 'fr' | 'en';
  status: CharterStatus;
  signatures: CharterSignature[];
  count: number;
  voided: number;
  head: string;
  closedAt: string | null;
}

/** What the signing tablet shows of a person: a name to pick, and the organisation to confirm. */
export interface Signatory {
  registrationId: string;
  firstName: string;
  lastName: string;
  name: string;
  organisation: string | null;
  /** Another representative has already signed for this organisation. */
  organisationSigned: boolean;
  erased: boolean;
}

/** One signature_pad point, in CSS pixels of the canvas; `time` is `Date.now()` when drawn. */
export interface StrokePoint {
  x: number;
  y: number;
  time: number;
  pressure?: number;
}

export interface SignRequest {
  signatureId: string;
  registrationId: string;
  onBehalfOf: string;
  consent: { given: true; wording: string; givenAt: string };
  textSha256: string;
  strokes: StrokePoint[][];
  canvas: { width: number; height: number; devicePixelRatio: number };
  /** PNG data URL, at most 256 KiB decoded. */
  image: string;
  kiosk: string;
  deviceSignedAt: string;
}

export interface SignAnswer {
  signatureId: string;
  sequence: number;
  hash: string;
  previousHash: string;
  signedAt?: string;
  name?: string;
  onBehalfOf?: string;
}

/** The signer's receipt, declared once in the charter's library (the same fields are in the sealed PDF). */
export type { SignatureReceipt } from '../../../libs/charter/src/receipt';
import type { SignatureReceipt } from '../../../libs/charter/src/receipt';

export interface Verification {
  valid: boolean;
  count: number;
  voided?: number;
  head: string | null;
  status?: 'not_published' | CharterStatus;
  firstInvalidSequence?: number;
  problem?: { code: string; entry?: string; sequence?: number };
}

export interface CloseAnswer {
  count: number;
  voided?: number;
  head: string;
  closedAt?: string;
}

// ----------------------------------------------------------------- devices

export const ROLES = ['organiser', 'door', 'kiosk', 'display'] as const;
export type Role = (typeof ROLES)[number];

/** A phone, tablet or screen enrolled for one role; `GET /api/me` describes the one asking. */
export interface Device {
  deviceId: string;
  name: string;
  role: Role | null;
  conferenceId: string | null;
  createdAt: string | null;
  createdBy: string | null;
  lastSeenAt: string | null;
  revokedAt: string | null;
  /** A door phone's offline state: when its list was last refreshed, and the scans it still holds. */
  door?: { datasetAt: string | null; datasetCursor: string | null; pendingScans: number | null };
}

export interface NewDevice extends Device {
  token: string;
}

const ROLE_SET = new Set<string>(ROLES);

function toDevice(body: unknown): Device {
  const d = isRecord(body) ? body : {};
  return {
    deviceId: str(d.deviceId) ?? '',
    name: str(d.name) ?? '',
    role: typeof d.role === 'string' && ROLE_SET.has(d.role) ? (d.role as Role) : null,
    conferenceId: str(d.conferenceId),
    createdAt: str(d.createdAt),
    createdBy: str(d.createdBy),
    lastSeenAt: str(d.lastSeenAt),
    revokedAt: str(d.revokedAt),
    ...(isRecord(d.door)
      ? {
          door: {
            datasetAt: str(d.door.datasetAt),
            datasetCursor: str(d.door.datasetCursor),
            pendingScans: typeof d.door.pendingScans === 'number' ? d.door.pendingScans : null,
          },
        }
      : {}),
  };
}

const num = (value: unknown, fallback = 0): number => (typeof value === 'number' ? value : fallback);

export function toCharter(body: unknown, fallbackId: string): Charter {
  const c = isRecord(body) ? body : {};
  const signatures = Array.isArray(c.signatures) ? c.signatures.filter(isRecord) : [];
  return {
    charterId: str(c.charterId) ?? fallbackId,
    conferenceId: str(c.conferenceId) ?? '',
    title: str(c.title) ?? '',
    text: str(c.text) ?? '',
    textSha256: str(c.textSha256) ?? '',
    publishedAt: str(c.publishedAt) ?? '',
    status: c.status === 'closed' ? 'closed' : 'open',
    signatures: signatures.map((s) => ({
      sequence: num(s.sequence),
      signatureId: str(s.signatureId) ?? '',
      registrationId: str(s.registrationId) ?? '',
      name: str(s.name) ?? '',
      onBehalfOf: str(s.onBehalfOf) ?? '',
      signedAt: str(s.signedAt) ?? '',
      kiosk: str(s.kiosk) ?? '',
      hash: str(s.hash) ?? '',
      previousHash: str(s.previousHash) ?? '',
      voided: isRecord(s.voided)
        ? { reason: str(s.voided.reason) ?? '', voidedAt: str(s.voided.voidedAt) ?? '' }
        : null,
      erased: s.erased === true || (str(s.name) ?? '').trim() === '',
    })),
    count: num(c.count, signatures.length),
    voided: num(c.voided),
    head: str(c.head) ?? '',
    closedAt: str(c.closedAt),
  };
}

const toSignatory = (s: Record<string, unknown>): Signatory => {
  const firstName = str(s.firstName) ?? '';
  const lastName = str(s.lastName) ?? '';
  const name = str(s.name) ?? `${firstName} ${lastName}`.trim();
  return {
    registrationId: str(s.registrationId) ?? '',
    firstName,
    lastName,
    name,
    organisation: str(s.organisation),
    organisationSigned: s.organisationSigned === true,
    erased: s.erased === true || name.trim() === '',
  };
};

// ------------------------------------------------------- live attendance

export interface AttendanceCounts {
  registered: number;
  waitlisted: number;
  cancelled: number;
  admitted: number;
  present: number;
}

/**
 * The dashboard's figures (`shared/API.md`, "Live attendance"): the body of
 * `GET .../attendance` and of the socket's `snapshot` and `update` messages.
 * Aggregates only, no person's name.
 */
export interface AttendanceSnapshot {
  conferenceId: string;
  name: string | null;
  timezone: string | null;
  /** `$all` position as a decimal string; `null` before any event. */
  position: string | null;
  registered: number;
  waitlisted: number;
  cancelled: number;
  admitted: number;
  undone: number;
  present: number;
  refused: Partial<Record<RefusalReason, number>> & Record<string, number>;
  refusedTotal: number;
  byCategory: Partial<Record<Category, AttendanceCounts>>;
  byOrganisation: ({ organisation: string | null } & AttendanceCounts)[];
  byDoor: { door: string; admitted: number; refused: number; present: number }[];
  arrivals: { slotMinutes: number; slots: { at: string; count: number }[] };
  lunch: { expected: number; paid: number; admittedWithLunch: number };
  signatures: {
    count: number;
    voided: number;
    signatoriesExpected: number;
    signatoriesPresent: number;
    charters: { charterId: string; title: string | null; status: CharterStatus; signatures: number; voided: number }[];
  };
  /** Conflicts from doors that worked without network: still open, and all recorded. */
  conflicts?: { open: number; total: number };
  /** Set when the figures are as of a past moment. */
  asOf?: string;
}

/** Positions are decimal strings of up to 20 digits: compared as big integers, never as floats. */
export function positionAfter(a: string | null, b: string | null): boolean {
  if (a === null) return false;
  if (b === null) return true;
  return BigInt(a) > BigInt(b);
}

// ------------------------------------------------------------------ errors

/** An answer from the server with an error body `{statusCode, code, message, errors?}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: { field: string; message: string }[] = [],
    /** The rest of the body: a refusal's details (`scope`, `sequence`, `onBehalfOf`, …). */
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** No answer at all: the request may or may not have reached the server, so only an idempotent retry is safe. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'NetworkError';
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function toApiError(status: number, body: unknown): ApiError {
  if (isRecord(body) && typeof body.code === 'string') {
    const errors = Array.isArray(body.errors)
      ? body.errors.filter(isRecord).map((e) => ({ field: str(e.field) ?? '', message: str(e.message) ?? '' }))
      : [];
    return new ApiError(status, body.code, str(body.message) ?? body.code, errors, body);
  }
  const code = status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : `http_${status}`;
  return new ApiError(status, code, `HTTP ${status}`);
}

// ------------------------------------------------------------ access refused

export type AuthFailure = 'unauthorized' | 'forbidden';
type AuthListener = (failure: AuthFailure) => void;
const authListeners = new Set<AuthListener>();

/** Called on every 401 (the device is not, or no longer, enrolled) and 403 (its role may not do that). */
export function onAuthFailure(listener: AuthListener): () => void {
  authListeners.add(listener);
  return () => {
    authListeners.delete(listener);
  };
}

/**
 * A 401 means the token this request carried is unknown or revoked: it is
 * forgotten, and the app shows the not-authorised screen. A 401 for a token
 * that has since been replaced (a new one pasted or scanned meanwhile) is
 * stale and ignored.
 */
export function reportAuthFailure(status: number, sentToken: string | null): void {
  if (status === 401) {
    if (storage.token() !== sentToken) return;
    storage.setToken(null);
    for (const listener of [...authListeners]) listener('unauthorized');
  } else if (status === 403) {
    for (const listener of [...authListeners]) listener('forbidden');
  }
}

// ---------------------------------------------------------------- requests

/** Headers a page adds to every call (the door: `X-Door-Pending`, its outbox's length). */
let ambientHeaders: () => Record<string, string> = () => ({});

export function setAmbientHeaders(provider: (() => Record<string, string>) | null): void {
  ambientHeaders = provider ?? (() => ({}));
}

function headers(token: string | null, extra: Record<string, string> = {}): Record<string, string> {
  return {
    Accept: 'application/json',
    ...ambientHeaders(),
    ...(token ? { Authorization: `Bearer ${token}` } : {}),
    ...extra,
  };
}

export interface RequestOptions {
  /** Give up after this long: the answer is then treated as never coming (a NetworkError). */
  timeoutMs?: number;
}

export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<T> {
  const token = storage.token();
  let response: Response;
  const abort = options.timeoutMs === undefined ? null : new AbortController();
  const timer = abort ? setTimeout(() => abort.abort(new Error('timeout')), options.timeoutMs) : null;
  try {
    response = await fetch(path, {
      method,
      headers: headers(token, body === undefined ? {} : { 'Content-Type': 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body),
      ...(abort ? { signal: abort.signal } : {}),
    });
  } catch (error) {
    if (timer) clearTimeout(timer);
    throw new NetworkError(error);
  }
  reportAuthFailure(response.status, token);
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    // The body was cut (the timeout fired, or the server went away mid-answer).
    throw new NetworkError(error);
  } finally {
    if (timer) clearTimeout(timer);
  }
  let parsed: unknown = null;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  if (!response.ok) throw toApiError(response.status, parsed);
  return parsed as T;
}

const enc = encodeURIComponent;
const conf = (cid: string) => `/api/conferences/${enc(cid)}`;

/** Lists come as `{items: [...]}`; a bare array is accepted too. */
const toRegistration = (r: Record<string, unknown>): Registration => {
  const a = toAttendee(r);
  return {
    registrationId: a.registrationId,
    firstName: a.firstName,
    lastName: a.lastName,
    email: str(r.email) ?? '',
    organisation: a.organisation,
    category: a.category ?? 'participant',
    lunch: a.lunch,
    lunchPaid: a.lunchPaid,
    status: a.status ?? 'registered',
    ticketCode: a.ticketCode,
    erased: a.erased,
    admitted: a.admitted,
    refused: toRefusal(r.refused),
    signed: r.signed === true,
  };
};

const items = (body: unknown): unknown[] =>
  Array.isArray(body) ? body : isRecord(body) && Array.isArray(body.items) ? body.items : [];

// ----------------------------------------------------------- normalisation

const CATEGORY_SET = new Set<string>(CATEGORIES);
const toCategory = (value: unknown): Category | null =>
  typeof value === 'string' && CATEGORY_SET.has(value) ? (value as Category) : null;
const toStatus = (value: unknown): RegistrationStatus | null =>
  value === 'registered' || value === 'waitlisted' || value === 'cancelled' ? value : null;
const toAdmission = (value: unknown): Admission | null =>
  isRecord(value) && typeof value.at === 'string' && typeof value.door === 'string'
    ? { at: value.at, door: value.door }
    : null;

export function toConference(body: unknown, fallbackId: string): Conference {
  const c = isRecord(body) ? body : {};
  const lunch = isRecord(c.lunch) && typeof c.lunch.priceCents === 'number' ? c.lunch : null;
  return {
    conferenceId: str(c.conferenceId) ?? fallbackId,
    name: str(c.name) ?? '',
    venue: str(c.venue) ?? '',
    startsAt: str(c.startsAt) ?? '',
    endsAt: str(c.endsAt) ?? '',
    timezone: str(c.timezone) ?? 'Europe/Paris',
    capacity: typeof c.capacity === 'number' ? c.capacity : 0,
    idCheckRequired: c.idCheckRequired === true,
    lunch: lunch ? { priceCents: lunch.priceCents as number, currency: str(lunch.currency) ?? 'EUR' } : null,
    doors: Array.isArray(c.doors) ? c.doors.filter((d): d is string => typeof d === 'string') : [],
  };
}

/** Reads a person from any of the server's answers: flat, or nested under `attendee`/`person`. */
export function toAttendee(body: unknown): Attendee {
  const outer = isRecord(body) ? body : {};
  const inner = isRecord(outer.attendee) ? outer.attendee : isRecord(outer.person) ? outer.person : {};
  const pick = (key: string): unknown => inner[key] ?? outer[key];
  // The ticket preview may describe lunch as `{expected, paid}` beside the attendee's plain `lunch: boolean`.
  const lunchInfo = [outer.lunch, inner.lunch].find(isRecord);
  const admittedAt = str(pick('admittedAt'));
  const admittedDoor = str(pick('door'));
  return {
    registrationId: str(pick('registrationId')) ?? '',
    firstName: str(pick('firstName')) ?? '',
    lastName: str(pick('lastName')) ?? '',
    organisation: str(pick('organisation')),
    category: toCategory(pick('category')),
    status: toStatus(pick('status')),
    lunch: pick('lunch') === true || lunchInfo?.expected === true,
    lunchPaid: pick('lunchPaid') === true || lunchInfo?.paid === true,
    ticketCode: str(pick('ticketCode')),
    admitted:
      toAdmission(pick('admitted')) ??
      toAdmission(pick('admission')) ??
      (admittedAt && admittedDoor ? { at: admittedAt, door: admittedDoor } : null),
    erased: pick('erased') === true || (str(pick('firstName')) ?? '') + (str(pick('lastName')) ?? '') === '',
  };
}

function toTicketState(value: unknown, attendee: Attendee): TicketState {
  if (value === 'expected' || value === 'admitted' || value === 'cancelled' || value === 'waitlisted') return value;
  if (attendee.status === 'cancelled' || attendee.status === 'waitlisted') return attendee.status;
  return attendee.admitted ? 'admitted' : 'expected';
}

export function toTicketPreview(body: unknown, ticketCode: string): TicketPreview {
  const outer = isRecord(body) ? body : {};
  const attendee = toAttendee(body);
  const state = toTicketState(outer.state ?? outer.status, attendee);
  return { ticketCode, state, attendee: { ...attendee, ticketCode: attendee.ticketCode ?? ticketCode } };
}

export const fullName = (a: { firstName: string; lastName: string }): string => `${a.firstName} ${a.lastName}`.trim();

// --------------------------------------------------------------- endpoints

const REFUSAL_SET = new Set<string>(REFUSAL_REASONS);
const toRefusal = (value: unknown): Refusal | null =>
  isRecord(value) &&
  typeof value.at === 'string' &&
  typeof value.door === 'string' &&
  typeof value.reason === 'string' &&
  REFUSAL_SET.has(value.reason)
    ? { at: value.at, door: value.door, reason: value.reason as RefusalReason }
    : null;

export const api = {
  listConferences: async (): Promise<ConferenceSummary[]> =>
    items(await request<unknown>('GET', '/api/conferences'))
      .filter(isRecord)
      .map((c) => ({
        conferenceId: str(c.conferenceId) ?? '',
        name: str(c.name) ?? '',
        startsAt: str(c.startsAt) ?? undefined,
      }))
      .filter((c) => c.conferenceId !== ''),

  conference: async (cid: string): Promise<Conference> => toConference(await request<unknown>('GET', conf(cid)), cid),

  createConference: (body: ConferenceRequest) => request<{ conferenceId: string }>('POST', '/api/conferences', body),

  /** Replaces every detail of the conference (the edit form sends them all). */
  reviseConference: (cid: string, body: Omit<ConferenceRequest, 'conferenceId'>) =>
    request<unknown>('PUT', conf(cid), body),

  ticket: async (cid: string, ticketCode: string, options?: RequestOptions): Promise<TicketPreview> =>
    toTicketPreview(
      await request<unknown>('GET', `${conf(cid)}/tickets/${enc(ticketCode)}`, undefined, options),
      ticketCode,
    ),

  searchAttendees: async (cid: string, q: string): Promise<Attendee[]> =>
    items(await request<unknown>('GET', `${conf(cid)}/attendees?q=${enc(q)}`)).map(toAttendee),

  scan: (cid: string, body: ScanRequest, options?: RequestOptions) =>
    request<ScanResult>('POST', `${conf(cid)}/scans`, body, options),

  /** The door's list for working without network (`shared/API.md`, "The door without network"). */
  doorDataset: (cid: string, since?: string, options?: RequestOptions) =>
    request<DoorDataset>('GET', `${conf(cid)}/door-dataset${since ? `?since=${enc(since)}` : ''}`, undefined, options),

  /** Whether the server answers at all (no token needed): the offline door's probe. */
  ready: (options?: RequestOptions) => request<unknown>('GET', '/health/ready', undefined, options),

  undoScan: (cid: string, scanId: string, reason: string) =>
    request<unknown>('POST', `${conf(cid)}/scans/${enc(scanId)}/undo`, { reason }),

  payLunch: (cid: string, rid: string, body: { paymentId: string; amountCents: number; method: PaymentMethod }) =>
    request<unknown>('POST', `${conf(cid)}/registrations/${enc(rid)}/lunch-payment`, body),

  register: (cid: string, body: RegisterRequest) =>
    request<{ registrationId: string; ticketCode: string; status: 'registered' | 'waitlisted' }>(
      'POST',
      `${conf(cid)}/registrations`,
      body,
    ),

  registrations: async (
    cid: string,
    filter: { q?: string; category?: string; status?: string; lunch?: string; arrival?: string },
  ): Promise<Registration[]> => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) if (value) query.set(key, value);
    const list = items(await request<unknown>('GET', `${conf(cid)}/registrations?${query.toString()}`));
    return list.filter(isRecord).map(toRegistration);
  },

  /** One page of the organisers' table, filtered, sorted and cut by the server. */
  registrationPage: async (
    cid: string,
    filter: { q?: string; category?: string; status?: string; lunch?: string; arrival?: string },
    page: { sort: string; order: 'asc' | 'desc'; offset: number; limit: number },
  ): Promise<{ items: Registration[]; total: number }> => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) if (value) query.set(key, value);
    for (const [key, value] of Object.entries(page)) query.set(key, String(value));
    const body = await request<unknown>('GET', `${conf(cid)}/registrations?${query.toString()}`);
    const list = items(body).filter(isRecord).map(toRegistration);
    const total = isRecord(body) && typeof body.total === 'number' ? body.total : list.length;
    return { items: list, total };
  },

  cancelRegistration: (cid: string, rid: string, reason?: string) =>
    request<unknown>('POST', `${conf(cid)}/registrations/${enc(rid)}/cancel`, reason ? { reason } : {}),

  /** The right of access: everything the server holds about one person, as JSON. */
  exportPersonalData: (cid: string, rid: string) =>
    request<unknown>('GET', `${conf(cid)}/registrations/${enc(rid)}/export`),

  /** The right to be forgotten; `reason` is kept in the log, so it must not name the person. */
  erasePersonalData: (cid: string, rid: string, reason: string) =>
    request<{ registrationId: string; erasedAt: string }>('POST', `${conf(cid)}/registrations/${enc(rid)}/erase`, {
      reason,
    }),

  // Devices and roles (`shared/API.md`, "Devices and roles").
  me: async (): Promise<Device> => toDevice(await request<unknown>('GET', '/api/me')),

  devices: async (): Promise<Device[]> => {
    const body = await request<unknown>('GET', '/api/devices');
    const list = isRecord(body) && Array.isArray(body.devices) ? body.devices : items(body);
    return list.map(toDevice).filter((d) => d.deviceId !== '');
  },

  /** The answer is the only time the token is ever shown. */
  createDevice: async (body: { name: string; role: Role; conferenceId?: string }): Promise<NewDevice> => {
    const answer = await request<unknown>('POST', '/api/devices', body);
    const token = isRecord(answer) ? str(answer.token) : null;
    if (!token) throw new ApiError(500, 'internal_error', 'no token in the answer');
    return { ...toDevice(answer), token };
  },

  revokeDevice: (deviceId: string) =>
    request<{ deviceId: string; revokedAt: string }>('DELETE', `/api/devices/${enc(deviceId)}`),

  // The charter (`shared/API.md`, "The charter").
  charter: async (cid: string, chid: string): Promise<Charter> =>
    toCharter(await request<unknown>('GET', `${conf(cid)}/charters/${enc(chid)}`), chid),

  signatories: async (cid: string, chid: string): Promise<Signatory[]> =>
    items(await request<unknown>('GET', `${conf(cid)}/charters/${enc(chid)}/signatories`))
      .filter(isRecord)
      .map(toSignatory)
      .filter((s) => s.registrationId !== ''),

  publishCharter: (cid: string, body: { charterId: string; title: string; text: string; lang?: 'fr' | 'en' }) =>
    request<{ charterId: string; textSha256: string }>('POST', `${conf(cid)}/charters`, body),

  signCharter: (cid: string, chid: string, body: SignRequest) =>
    request<SignAnswer>('POST', `${conf(cid)}/charters/${enc(chid)}/signatures`, body),

  charterReceipt: (cid: string, chid: string, signatureId: string) =>
    request<SignatureReceipt>('GET', `${conf(cid)}/charters/${enc(chid)}/signatures/${enc(signatureId)}/receipt`),

  closeCharter: (cid: string, chid: string) => request<CloseAnswer>('POST', `${conf(cid)}/charters/${enc(chid)}/close`),

  verifyCharter: (cid: string, chid: string) =>
    request<Verification>('GET', `${conf(cid)}/charters/${enc(chid)}/verify`),

  /** The dashboard's figures now, or as of a past moment (ISO-8601 with an offset). */
  attendance: (cid: string, asOf?: string) =>
    request<AttendanceSnapshot>('GET', `${conf(cid)}/attendance${asOf ? `?asOf=${enc(asOf)}` : ''}`),

  charterPdfPath: (cid: string, chid: string) => `${conf(cid)}/charters/${enc(chid)}/document.pdf`,

  ticketPdfPath: (cid: string, rid: string) => `${conf(cid)}/registrations/${enc(rid)}/ticket.pdf`,
  ticketPngPath: (cid: string, rid: string) => `${conf(cid)}/registrations/${enc(rid)}/ticket.png`,
  allTicketsPath: (cid: string) => `${conf(cid)}/tickets.pdf`,
  importPath: (cid: string) => `${conf(cid)}/registrations/import`,
};

// ------------------------------------------------- Organisers' desk (issue 13)

/** One step of a person's story (`GET .../registrations/:rid/history`, API.md "A person's history"). */
export interface HistoryEntry {
  /** When it happened (a scan's own time, also for one sent late by a door without network). */
  at: string;
  recordedAt: string;
  /** The stored event type: PersonRegistered, EntryRefused, AttendeeAdmitted, LunchPaid, CharterSigned… */
  type: string;
  door: string | null;
  /** The device's name as enrolled. */
  device: string | null;
  detail: {
    result?: 'admitted' | 'refused';
    reason?: string;
    idCheck?: IdCheck | null;
    offline?: { receivedAt: string };
    previous?: Admission;
    cause?: string;
    category?: string;
    source?: string;
    amountCents?: number;
    currency?: string;
    method?: string;
    charterTitle?: string;
    sequence?: number;
    onBehalfOf?: string;
    note?: string;
  };
}

export interface CharterListItem {
  charterId: string;
  title: string;
  status: CharterStatus;
}

export const deskApi = {
  history: async (cid: string, rid: string): Promise<HistoryEntry[]> =>
    items(await request<unknown>('GET', `${conf(cid)}/registrations/${enc(rid)}/history`))
      .filter(isRecord)
      .map((e) => ({
        at: str(e.at) ?? '',
        recordedAt: str(e.recordedAt) ?? '',
        type: str(e.type) ?? '',
        door: str(e.door),
        device: str(e.device),
        detail: isRecord(e.detail) ? e.detail : {},
      })),

  charters: async (cid: string): Promise<CharterListItem[]> =>
    items(await request<unknown>('GET', `${conf(cid)}/charters`))
      .filter(isRecord)
      .map((c) => ({
        charterId: str(c.charterId) ?? '',
        title: str(c.title) ?? '',
        status: c.status === 'closed' ? ('closed' as const) : ('open' as const),
      }))
      .filter((c) => c.charterId !== ''),

  /** `PUBLIC_URL` as the server was given it (the address phones should be paired on), or `null`. */
  publicUrl: async (): Promise<string | null> => {
    const body = await request<unknown>('GET', '/api/devices');
    return isRecord(body) ? str(body.publicUrl) : null;
  },

  /** The ticket's PNG as an object URL for an <img> (the call needs the token, which an <img src> cannot send). */
  ticketImage: async (cid: string, rid: string): Promise<string> => {
    const token = storage.token();
    let response: Response;
    try {
      response = await fetch(api.ticketPngPath(cid, rid), { headers: headers(token, { Accept: 'image/png' }) });
    } catch (error) {
      throw new NetworkError(error);
    }
    reportAuthFailure(response.status, token);
    if (!response.ok) throw toApiError(response.status, null);
    return URL.createObjectURL(await response.blob());
  },
};

/**
 * Uploads a CSV with XMLHttpRequest rather than fetch, because only XHR
 * reports upload progress; a 20,000-row file over hall Wi-Fi takes long
 * enough for a bar to matter.
 */
export function uploadCsv(path: string, file: Blob, onProgress: (fraction: number) => void): Promise<ImportReport> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const token = storage.token();
    xhr.open('POST', path);
    for (const [key, value] of Object.entries(headers(token, { 'Content-Type': 'text/csv' })))
      xhr.setRequestHeader(key, value);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.upload.onload = () => onProgress(1);
    xhr.onerror = () => reject(new NetworkError(new Error('upload failed')));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      reportAuthFailure(xhr.status, token);
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as ImportReport);
      else reject(toApiError(xhr.status, body));
    };
    xhr.send(file);
  });
}

/** Downloads an authenticated file (a link cannot carry the bearer token) and hands it to the browser. */
export async function download(path: string, filename: string): Promise<void> {
  const token = storage.token();
  let response: Response;
  try {
    response = await fetch(path, { headers: headers(token, { Accept: '*/*' }) });
  } catch (error) {
    throw new NetworkError(error);
  }
  reportAuthFailure(response.status, token);
  if (!response.ok) {
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    throw toApiError(response.status, body);
  }
  saveBlob(await response.blob(), filename);
}

/** Hands JSON to the browser as a file to save (a right-of-access answer, say). */
export function saveJson(data: unknown, filename: string): void {
  saveBlob(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }), filename);
}

/** The browser's "save as" for bytes already in hand. */
function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
