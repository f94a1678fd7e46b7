import type {
  BadgeLayout,
  BadgePrinted,
  DoorPrinterList,
  Admission,
  AttendeeItem,
  Charter,
  CharterList,
  ConferenceList,
  DeviceList,
  Principal,
  RegistrationItem,
  RegistrationList,
  SignatoryList,
  TicketPreview as TicketPreviewAnswer,
  AttendeeSearch,
  ConferenceScheduled,
  ConferenceRevised,
  Registered,
  RegistrationCancelled,
  RegistrationCorrected,
  AdmissionUndone,
  RegistrationAdmissionUndone,
  LunchPaid,
  LunchPaymentReversed,
  PersonalDataErased,
  PersonExport,
  EnrolledDevice,
  Device,
  CharterPublished,
  CharterSigned,
  SignatureReceipt,
  CharterClosed,
  Verification,
  AttendanceSnapshot,
  History,
  ImportReport,
  DoorDataset,
  EntranceScanAnswer,
  ScanAnswer,
  SpaceList,
  Conference,
  Category,
  CharterLang,
  DocumentKind,
  PaymentMethod,
  RefusalReason,
  RegistrationStatus,
  Role,
  WalkInPolicySet,
  TicketMailProgress,
  TicketsQueued,
} from '@emargement/contract';
import type {
  ConferenceRequest,
  MovementRefusalReason,
  RegisterRequest as ContractRegisterRequest,
  ScanRequest as ContractScanRequest,
  SignRequest as ContractSignRequest,
  SpaceRequest,
} from '@emargement/contract';
import { storage } from './storage';

/**
 * The HTTP contract as the browser apps use it. Every answer's type is the
 * one declared in libs/contract, from which the server's OpenAPI document is
 * made and against which the contract test checks the server's answers: the
 * pages read those types as they are. What is declared here is the browser's
 * own: request bodies, and the door's view of a person (`Attendee`), one shape
 * for a person found by ticket, by name or on the phone's list.
 */

export {
  CATEGORIES,
  DOCUMENT_KINDS,
  PAYMENT_METHODS,
  ENTRY_REFUSAL_REASONS as REFUSAL_REASONS,
  ROLES,
} from '@emargement/contract/vocabulary.js';
export type {
  Registered,
  Admission,
  AttendanceCounts,
  AttendanceSnapshot,
  Category,
  Charter,
  CharterLang,
  CharterSignature,
  CharterStatus,
  CharterSummary as CharterListItem,
  Conference,
  Conflict,
  Device,
  DocumentKind,
  DoorConference,
  DoorDataset,
  DoorTicket,
  EnrolledDevice as NewDevice,
  HistoryEntry,
  ImportReport,
  LunchFee,
  PaymentMethod,
  Principal,
  Refusal,
  RefusalReason,
  RegistrationStatus,
  Role,
  ScanConflict,
  ScanAnswer as MovementAnswer,
  EntranceScanAnswer,
  Signatory,
  Space,
  SignatureReceipt,
  TicketState,
  Verification,
} from '@emargement/contract';

export type ConferenceSummary = Conference;
/** A conference's details without its counts: all the door needs, and all its offline list holds. */
export type ConferenceDetails = Omit<Conference, 'registered' | 'waitlisted' | 'cancelled'>;
export type CloseAnswer = CharterClosed;
export type SignAnswer = CharterSigned;
export type ImportLine = ImportReport['lines'][number];

/** A registration in the organisers' table: the contract's, and whether the person was erased (names emptied). */
export type Registration = RegistrationItem & { erased: boolean };

/** An erased signer stays in the chain with no name. */
export const signerErased = (signer: { name: string | null }): boolean =>
  signer.name === null || signer.name.trim() === '';

/** `none`: no identity document shown (refused `id_missing`); `nameMatches` is then `false`. */
export interface IdCheck {
  document: DocumentKind | 'none';
  nameMatches: boolean;
}

/**
 * A person as the door's screens show one, whether found by ticket code, by a
 * name search or on the phone's own list (each answer says a little more or
 * less: `null` where it says nothing).
 */
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

/** The ticket preview as the door shows it: the ticket's state and its person. */
export interface TicketPreview {
  ticketCode: string;
  state: TicketPreviewAnswer['state'];
  attendee: Attendee;
}

/**
 * A scan at the entrance, as the door sends it: the contract's request
 * (`libs/contract`, one declaration with the server's), with the door and the
 * scan's time always given by this app.
 */
export type ScanRequest = Omit<ContractScanRequest, 'space' | 'direction' | 'door' | 'scannedAt' | 'offline'> & {
  door: string;
  scannedAt: string;
  /** Decided on the phone without the server: recorded as it happened, flagged when the server would disagree. */
  offline?: { result: 'admitted' | 'refused'; reason?: RefusalReason };
};

/** A scan at a space's door: an entry or an exit (`auto`: an exit for whoever is inside). */
export type MovementRequest = Omit<ContractScanRequest, 'door' | 'idCheck' | 'offline' | 'space' | 'direction'> & {
  space: string;
  direction: 'in' | 'out' | 'auto';
  /** A movement decided on the space's phone without the server: when, and what it decided. */
  scannedAt?: string;
  offline?: { result: 'admitted' | 'refused'; reason?: MovementRefusalReason; direction: 'in' | 'out' };
};

/** A registration as this app sends it: it always draws the registration's id itself (a retry keeps it). */
export type RegisterRequest = ContractRegisterRequest & { registrationId: string };

export type { ConferenceRequest, SpaceRequest };

/** One signature_pad point, in CSS pixels of the canvas; `time` is `Date.now()` when drawn. */
export type StrokePoint = SignRequest['strokes'] extends (infer G)[] | undefined
  ? G extends (infer P)[]
    ? P
    : never
  : never;

/** A signature as the tablet sends it: the contract's request, with what this app always gives. */
export type SignRequest = ContractSignRequest &
  Required<Pick<ContractSignRequest, 'strokes' | 'canvas' | 'image' | 'deviceSignedAt'>>;

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

// ------------------------------------------------------- the door's person

const erasedNames = (p: { firstName: string; lastName: string }): boolean => `${p.firstName}${p.lastName}` === '';

/** A person found by the door's name search (no ticket code in that answer). */
export const attendeeOfItem = (item: AttendeeItem): Attendee => ({
  registrationId: item.registrationId,
  firstName: item.firstName,
  lastName: item.lastName,
  organisation: item.organisation,
  category: item.category,
  status: item.status,
  lunch: item.lunch,
  lunchPaid: item.lunchPaid,
  ticketCode: null,
  admitted: item.admitted,
  erased: erasedNames(item),
});

/** The ticket preview as the door shows it; `ticketCode` is the code as scanned or typed. */
export function toTicketPreview(answer: TicketPreviewAnswer, ticketCode: string): TicketPreview {
  const a = answer.attendee;
  return {
    ticketCode,
    state: answer.state,
    attendee: {
      registrationId: a.registrationId,
      firstName: a.firstName,
      lastName: a.lastName,
      organisation: a.organisation,
      category: a.category,
      status: a.status,
      lunch: a.lunch,
      lunchPaid: answer.lunch.paid,
      ticketCode: answer.ticketCode,
      admitted: answer.admittedAt && answer.door ? { at: answer.admittedAt, door: answer.door } : null,
      erased: erasedNames(a),
    },
  };
}

export const fullName = (a: { firstName: string; lastName: string }): string => `${a.firstName} ${a.lastName}`.trim();

// --------------------------------------------------------------- endpoints

export const api = {
  listConferences: async (): Promise<readonly ConferenceSummary[]> =>
    (await request<ConferenceList>('GET', '/api/conferences')).items,

  conference: (cid: string) => request<Conference>('GET', conf(cid)),

  createConference: (body: ConferenceRequest) => request<ConferenceScheduled>('POST', '/api/conferences', body),

  /** Replaces every detail of the conference (the edit form sends them all). */
  reviseConference: (cid: string, body: Omit<ConferenceRequest, 'conferenceId'>) =>
    request<ConferenceRevised>('PUT', conf(cid), body),

  /** The organisers' walk-in rule: may a door accept someone beyond the capacity (a recorded choice)? */
  setWalkInPolicy: (cid: string, beyondCapacity: boolean) =>
    request<WalkInPolicySet>('PUT', `${conf(cid)}/walk-in-policy`, { beyondCapacity }),

  ticket: async (cid: string, ticketCode: string, options?: RequestOptions): Promise<TicketPreview> =>
    toTicketPreview(
      await request<TicketPreviewAnswer>('GET', `${conf(cid)}/tickets/${enc(ticketCode)}`, undefined, options),
      ticketCode,
    ),

  searchAttendees: async (cid: string, q: string): Promise<Attendee[]> =>
    (await request<AttendeeSearch>('GET', `${conf(cid)}/attendees?q=${enc(q)}`)).items.map(attendeeOfItem),

  scan: (cid: string, body: ScanRequest, options?: RequestOptions) =>
    request<EntranceScanAnswer>('POST', `${conf(cid)}/scans`, body, options),

  /** The conference's spaces with who is inside each (counts only): the door's space mode. */
  spaces: async (cid: string, options?: RequestOptions): Promise<SpaceList['items']> =>
    (await request<SpaceList>('GET', `${conf(cid)}/spaces`, undefined, options)).items,

  /** A space added to the conference by an organiser (issue 23); the same name twice is `space_name_taken`. */
  defineSpace: (cid: string, body: SpaceRequest) => request<unknown>('POST', `${conf(cid)}/spaces`, body),

  /** A movement at a space's door (issue 23): answered like a scan, with the direction as decided. */
  movement: (cid: string, body: MovementRequest, options?: RequestOptions) =>
    request<ScanAnswer>('POST', `${conf(cid)}/scans`, body, options),

  /** The door's list for working without network (`shared/API.md`, "The door without network"). */
  doorDataset: (cid: string, since?: string, options?: RequestOptions) =>
    request<DoorDataset>('GET', `${conf(cid)}/door-dataset${since ? `?since=${enc(since)}` : ''}`, undefined, options),

  /** Whether the server answers at all (no token needed): the offline door's probe. */
  ready: (options?: RequestOptions) => request<unknown>('GET', '/health/ready', undefined, options),

  undoScan: (cid: string, scanId: string, reason: string) =>
    request<AdmissionUndone>('POST', `${conf(cid)}/scans/${enc(scanId)}/undo`, { reason }),

  /**
   * Any admission of a person undone, by the undo's own id (an outbox sends the same again): the one named by
   * `scanId`, else whichever stands. A second undo or one of nothing is refused (`already_undone`,
   * `nothing_to_undo`) and recorded.
   */
  undoAdmission: (
    cid: string,
    rid: string,
    body: { undoId: string; reason: string; scanId?: string },
    options?: RequestOptions,
  ) =>
    request<RegistrationAdmissionUndone>(
      'POST',
      `${conf(cid)}/registrations/${enc(rid)}/undo-admission`,
      body,
      options,
    ),

  payLunch: (
    cid: string,
    rid: string,
    body: { paymentId: string; amountCents: number; method: PaymentMethod },
    options?: RequestOptions,
  ) => request<LunchPaid>('POST', `${conf(cid)}/registrations/${enc(rid)}/lunch-payment`, body, options),

  /** A lunch payment taken back, with the reason (`LunchPaymentReversed`). */
  reverseLunch: (cid: string, rid: string, paymentId: string, reason: string, options?: RequestOptions) =>
    request<LunchPaymentReversed>(
      'POST',
      `${conf(cid)}/registrations/${enc(rid)}/lunch-payment/${enc(paymentId)}/reverse`,
      { reason },
      options,
    ),

  register: (cid: string, body: RegisterRequest, options?: RequestOptions) =>
    request<Registered>('POST', `${conf(cid)}/registrations`, body, options),

  registrations: async (
    cid: string,
    filter: { q?: string; category?: string; status?: string; lunch?: string; arrival?: string },
  ): Promise<Registration[]> => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) if (value) query.set(key, value);
    const list = await request<RegistrationList>('GET', `${conf(cid)}/registrations?${query.toString()}`);
    return list.items.map((r) => ({ ...r, erased: erasedNames(r) }));
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
    const list = await request<RegistrationList>('GET', `${conf(cid)}/registrations?${query.toString()}`);
    return { items: list.items.map((r) => ({ ...r, erased: erasedNames(r) })), total: list.total ?? list.items.length };
  },

  /** A registration corrected (organisers): any of the fields; only those that changed are recorded. */
  correctRegistration: (
    cid: string,
    rid: string,
    body: { firstName?: string; lastName?: string; email?: string; organisation?: string; category?: Category },
  ) => request<RegistrationCorrected>('PATCH', `${conf(cid)}/registrations/${enc(rid)}`, body),

  cancelRegistration: (cid: string, rid: string, reason?: string) =>
    request<RegistrationCancelled>('POST', `${conf(cid)}/registrations/${enc(rid)}/cancel`, reason ? { reason } : {}),

  /** The right of access: everything the server holds about one person, as JSON. */
  exportPersonalData: (cid: string, rid: string) =>
    request<PersonExport>('GET', `${conf(cid)}/registrations/${enc(rid)}/export`),

  /** The right to be forgotten; `reason` is kept in the log, so it must not name the person. */
  erasePersonalData: (cid: string, rid: string, reason: string) =>
    request<PersonalDataErased>('POST', `${conf(cid)}/registrations/${enc(rid)}/erase`, { reason }),

  // Devices and roles (`shared/API.md`, "Devices and roles").
  me: () => request<Principal>('GET', '/api/me'),

  devices: async (): Promise<readonly Device[]> => (await request<DeviceList>('GET', '/api/devices')).devices,

  /** The answer is the only time the token is ever shown. */
  createDevice: (body: { name: string; role: Role; conferenceId?: string }) =>
    request<EnrolledDevice>('POST', '/api/devices', body),

  revokeDevice: (deviceId: string) => request<Device>('DELETE', `/api/devices/${enc(deviceId)}`),

  // The charter (`shared/API.md`, "The charter").
  charter: (cid: string, chid: string) => request<Charter>('GET', `${conf(cid)}/charters/${enc(chid)}`),

  signatories: (cid: string, chid: string) =>
    request<SignatoryList>('GET', `${conf(cid)}/charters/${enc(chid)}/signatories`),

  publishCharter: (cid: string, body: { charterId: string; title: string; text: string; lang?: CharterLang }) =>
    request<CharterPublished>('POST', `${conf(cid)}/charters`, body),

  signCharter: (cid: string, chid: string, body: SignRequest) =>
    request<CharterSigned>('POST', `${conf(cid)}/charters/${enc(chid)}/signatures`, body),

  charterReceipt: (cid: string, chid: string, signatureId: string) =>
    request<SignatureReceipt>('GET', `${conf(cid)}/charters/${enc(chid)}/signatures/${enc(signatureId)}/receipt`),

  closeCharter: (cid: string, chid: string) =>
    request<CharterClosed>('POST', `${conf(cid)}/charters/${enc(chid)}/close`),

  verifyCharter: (cid: string, chid: string) =>
    request<Verification>('GET', `${conf(cid)}/charters/${enc(chid)}/verify`),

  /** The dashboard's figures now, or as of a past moment (ISO-8601 with an offset). */
  attendance: (cid: string, asOf?: string) =>
    request<AttendanceSnapshot>('GET', `${conf(cid)}/attendance${asOf ? `?asOf=${enc(asOf)}` : ''}`),

  charterPdfPath: (cid: string, chid: string) => `${conf(cid)}/charters/${enc(chid)}/document.pdf`,

  ticketPdfPath: (cid: string, rid: string) => `${conf(cid)}/registrations/${enc(rid)}/ticket.pdf`,
  badgePdfPath: (cid: string, rid: string, layout: BadgeLayout) =>
    `${conf(cid)}/registrations/${enc(rid)}/badge.pdf?layout=${enc(layout)}`,
  allBadgesPath: (cid: string, layout: BadgeLayout, unprinted = false) =>
    `${conf(cid)}/badges.pdf?layout=${enc(layout)}&sort=lastName${unprinted ? '&unprinted=true' : ''}`,

  /** Records a badge print (the print log) and, with `printer`, has the server send it to that CUPS queue. */
  printBadge: (
    cid: string,
    rid: string,
    body: { printId: string; layout: BadgeLayout; printer?: string; reason?: string },
  ) => request<BadgePrinted>('POST', `${conf(cid)}/registrations/${enc(rid)}/badge-prints`, body),

  /** Which CUPS queue prints each door's badges. */
  badgePrinters: (cid: string) => request<DoorPrinterList>('GET', `${conf(cid)}/badge-printers`),
  setBadgePrinter: (cid: string, body: { door: string; queue: string | null; printOnAdmission?: boolean }) =>
    request<DoorPrinterList>('PUT', `${conf(cid)}/badge-printers`, body),

  /** An authenticated PDF as an object URL (a link cannot carry the token), for the device's own print dialog. */
  pdfUrl: async (path: string): Promise<string> =>
    URL.createObjectURL(await (await fetchFile(path, 'application/pdf')).blob()),
  ticketPngPath: (cid: string, rid: string) => `${conf(cid)}/registrations/${enc(rid)}/ticket.png`,
  allTicketsPath: (cid: string) => `${conf(cid)}/tickets.pdf`,

  /** Tickets by e-mail: queue one message per person (all not sent yet, or these, again with `resend`). */
  sendTickets: (cid: string, body: { registrationIds?: string[]; category?: string; resend?: boolean } = {}) =>
    request<TicketsQueued>('POST', `${conf(cid)}/tickets/send`, body),
  /** How the sending goes, and each person's latest message. */
  ticketMail: (cid: string) => request<TicketMailProgress>('GET', `${conf(cid)}/ticket-mail`),
  importPath: (cid: string) => `${conf(cid)}/registrations/import`,
};

// ------------------------------------------------- Organisers' desk (issue 13)

export const deskApi = {
  /** A person's history (API.md, "A person's history"), oldest first. */
  history: (cid: string, rid: string) => request<History>('GET', `${conf(cid)}/registrations/${enc(rid)}/history`),

  charters: async (cid: string) => (await request<CharterList>('GET', `${conf(cid)}/charters`)).items,

  /** `PUBLIC_URL` as the server was given it (the address phones should be paired on), or `null`. */
  publicUrl: async (): Promise<string | null> => (await request<DeviceList>('GET', '/api/devices')).publicUrl,

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
  saveBlob(await (await fetchFile(path, '*/*')).blob(), filename);
}

/** An authenticated GET of a file: the answer when it is a success, its error body as an `ApiError` otherwise. */
async function fetchFile(path: string, accept: string): Promise<Response> {
  const token = storage.token();
  let response: Response;
  try {
    response = await fetch(path, { headers: headers(token, { Accept: accept }) });
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
  return response;
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
