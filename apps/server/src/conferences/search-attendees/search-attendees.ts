import { Controller, Get, Param, ParseUUIDPipe, Query as QueryParam } from '@nestjs/common';
import { Query, QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  CATEGORIES,
  type Category,
  type EntryRefusalReason,
  type Registration,
  type RegistrationStatus,
} from '@emargement/conference';
import { ConferenceRegistry } from '../conference-registry.js';
import { ArrivalsIndex, type TicketSummary } from '../../arrivals/arrivals-index.js';
import { AttendeeDirectory, type ConferenceDirectory } from './attendee-directory.js';
import { parseBoundedInteger } from '../../shared/numbers.js';
import { badRequest } from '../../shared/api-error.js';
import { ARRIVALS, type Arrival, type AttendeeSearch, type RegistrationList } from '@emargement/contract';
import { ApiAnswer } from '../../shared/api-answers.js';
import { Roles } from '../../auth/roles.js';

export const SORT_KEYS = ['name', 'organisation', 'category', 'status', 'arrival', 'lunch', 'signed'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface RegistrationFilter {
  q?: string;
  category?: Category;
  status?: RegistrationStatus;
  lunch?: boolean;
  /** At the door: admitted (an admission stands), not yet admitted, or refused with no admission standing. */
  arrival?: Arrival;
  limit: number;
  /** Rows skipped before the page (default 0). */
  offset?: number;
  /** Without it, the registry's order (registration order). */
  sort?: SortKey;
  descending?: boolean;
}

// The arrival filter's words are the contract's (the organisers' table offers them).
export { ARRIVALS, type Arrival };

export interface RegistrationItem {
  registrationId: string;
  firstName: string;
  lastName: string;
  email: string;
  organisation: string | null;
  category: Category;
  lunch: boolean;
  lunchPaid: boolean;
  photoConsent: boolean;
  status: RegistrationStatus;
  ticketCode: string;
  admitted: { at: string; door: string } | null;
  /** The last refusal at a door, shown when no admission stands. */
  refused: { at: string; door: string; reason: EntryRefusalReason } | null;
  /** A standing signature of a charter of the conference. */
  signed: boolean;
}

export interface RegistrationPage {
  items: RegistrationItem[];
  /** Rows matching the filter, on every page. */
  total: number;
  offset: number;
  limit: number;
}

export class ListRegistrationsQuery extends Query<RegistrationPage> {
  constructor(
    readonly conferenceId: string,
    readonly filter: RegistrationFilter,
  ) {
    super();
  }
}

interface Row {
  ordinal: number;
  registration: Registration;
  summary: TicketSummary;
}

const arrivalRank = (s: TicketSummary): number => (s.admitted ? 0 : s.refused ? 1 : 2);
const arrivalTime = (s: TicketSummary): string => s.admitted?.at ?? s.refused?.at ?? '';
const lunchRank = (r: Row): number => (!r.registration.lunch ? 2 : r.summary.lunchPaid ? 0 : 1);
const text = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** How a column orders its rows, as the organisers' table orders them (ties by name, whatever the direction). */
const primary = (directory: ConferenceDirectory): Record<Exclude<SortKey, 'name'>, (a: Row, b: Row) => number> => ({
  organisation: (a, b) => text(directory.organisationKey(a.ordinal), directory.organisationKey(b.ordinal)),
  category: (a, b) => text(a.registration.category, b.registration.category),
  status: (a, b) => text(a.registration.status, b.registration.status),
  // Arrived first, in arrival order; then refused; then nobody seen yet.
  arrival: (a, b) =>
    arrivalRank(a.summary) - arrivalRank(b.summary) || text(arrivalTime(a.summary), arrivalTime(b.summary)),
  lunch: (a, b) => lunchRank(a) - lunchRank(b),
  signed: (a, b) => Number(b.summary.signatures.size > 0) - Number(a.summary.signatures.size > 0),
});

/**
 * The door's search and the organisers' table, from the registry's state and
 * the arrivals projection, through the in-memory directory (no read of the
 * store's history per request): the matches come from the search index, the
 * filters and the order are applied to them, and one page is answered.
 */
@QueryHandler(ListRegistrationsQuery)
export class ListRegistrationsHandler implements IQueryHandler<ListRegistrationsQuery> {
  constructor(
    private readonly registry: ConferenceRegistry,
    private readonly arrivals: ArrivalsIndex,
    private readonly directories: AttendeeDirectory,
  ) {}

  async execute({ conferenceId, filter }: ListRegistrationsQuery): Promise<RegistrationPage> {
    const conference = await this.registry.scheduled(conferenceId);
    await this.arrivals.fresh();
    const directory = this.directories.of(conferenceId, conference);
    const q = filter.q?.trim() ?? '';
    const offset = filter.offset ?? 0;
    // By name with no search: the name order is kept, nothing to sort.
    const byNameAlready = q === '' && filter.sort === 'name';
    const ordinals = byNameAlready
      ? filter.descending
        ? [...directory.nameOrder()].reverse()
        : directory.nameOrder()
      : directory.index.search(q);
    const rows: Row[] = [];
    const filtered =
      filter.category !== undefined ||
      filter.status !== undefined ||
      filter.lunch !== undefined ||
      filter.arrival !== undefined;
    // Nothing to filter or sort: the matches are the rows, and only the page's are read.
    const sorting = filter.sort !== undefined && !byNameAlready;
    const needed = filtered || sorting ? ordinals.length : offset + filter.limit;
    for (let i = 0; i < ordinals.length && rows.length < needed; i++) {
      const ordinal = ordinals[i]!;
      const r = conference.registrations.get(directory.index.keyAt(ordinal));
      if (r === undefined) continue;
      if (filter.category && r.category !== filter.category) continue;
      if (filter.status && r.status !== filter.status) continue;
      if (filter.lunch !== undefined && r.lunch !== filter.lunch) continue;
      const summary = this.arrivals.summary(r.registrationId);
      if (filter.arrival === 'arrived' && summary.admitted === null) continue;
      if (filter.arrival === 'not_arrived' && summary.admitted !== null) continue;
      if (filter.arrival === 'refused' && (summary.admitted !== null || summary.refused === null)) continue;
      rows.push({ ordinal, registration: r, summary });
    }
    if (sorting && filter.sort !== undefined) {
      const ranks = directory.nameRank();
      const byName = (a: Row, b: Row): number => ranks[a.ordinal]! - ranks[b.ordinal]!;
      const direction = filter.descending ? -1 : 1;
      const by = filter.sort === 'name' ? byName : primary(directory)[filter.sort];
      rows.sort((a, b) => direction * by(a, b) || byName(a, b));
    }
    const items = rows.slice(offset, offset + filter.limit).map(({ registration: r, summary }) => ({
      registrationId: r.registrationId,
      firstName: r.person.firstName,
      lastName: r.person.lastName,
      email: r.person.email,
      organisation: r.person.organisation,
      category: r.category,
      lunch: r.lunch,
      lunchPaid: summary.lunchPaid,
      photoConsent: r.photoConsent,
      status: r.status,
      ticketCode: r.ticketCode,
      admitted: summary.admitted ? { at: summary.admitted.at, door: summary.admitted.door } : null,
      refused: summary.refused,
      signed: summary.signatures.size > 0,
    }));
    return {
      items,
      total: filtered || sorting ? rows.length : ordinals.length,
      offset,
      limit: filter.limit,
    };
  }
}

const parseBool = (v: string | undefined): boolean | undefined => {
  if (v === undefined || v === '') return undefined;
  if (v === 'true' || v === '1' || v === 'yes') return true;
  if (v === 'false' || v === '0' || v === 'no') return false;
  throw badRequest('validation_failed', 'lunch must be true or false', [{ field: 'lunch', message: 'boolean' }]);
};

/** Above this, a limit or an offset is not a page but a mistake (or a probe): 400, not a silent clamp. */
const MAX_PAGING = 1_000_000_000;

const parseLimit = (v: string | undefined, max: number): number => {
  if (v === undefined) return max;
  const n = parseBoundedInteger(v, 1, MAX_PAGING);
  if (n === null) {
    throw badRequest('validation_failed', 'limit must be a positive integer', [
      { field: 'limit', message: 'a positive integer in decimal digits' },
    ]);
  }
  return Math.min(n, max);
};

const parseOffset = (v: string | undefined): number => {
  if (v === undefined || v === '') return 0;
  const n = parseBoundedInteger(v, 0, MAX_PAGING);
  if (n === null) {
    throw badRequest('validation_failed', 'offset must be a non-negative integer', [
      { field: 'offset', message: 'a non-negative integer in decimal digits' },
    ]);
  }
  return n;
};

@ApiTags('registrations')
@Controller('conferences/:cid')
export class SearchAttendeesController {
  constructor(private readonly queries: QueryBus) {}

  /** Door search: name, organisation or e-mail, ignoring case and accents, forgiving one typo. */
  @Get('attendees')
  @ApiQuery({ name: 'q', required: false })
  @ApiAnswer(200, 'AttendeeSearch', { errors: [404] })
  @Roles('organiser', 'door')
  async attendees(
    @Param('cid', ParseUUIDPipe) cid: string,
    @QueryParam('q') q?: string,
    @QueryParam('limit') limit?: string,
  ): Promise<AttendeeSearch> {
    if (q !== undefined && q.length > 200) throw badRequest('validation_failed', 'q is too long');
    const { items, total } = await this.queries.execute(
      new ListRegistrationsQuery(cid, { q: q ?? '', limit: parseLimit(limit, 50) }),
    );
    // The door needs no e-mail address or ticket code to recognise someone.
    return {
      total,
      items: items.map(({ email: _e, ticketCode: _t, photoConsent: _p, ...rest }) => rest),
    };
  }

  @Get('registrations')
  @ApiQuery({ name: 'arrival', required: false, enum: ARRIVALS })
  @ApiQuery({ name: 'limit', required: false, description: 'rows in the page (without it: every row)' })
  @ApiQuery({ name: 'offset', required: false, description: 'rows skipped before the page (default 0)' })
  @ApiQuery({ name: 'sort', required: false, enum: SORT_KEYS, description: 'without it: registration order' })
  @ApiQuery({ name: 'order', required: false, enum: ['asc', 'desc'] })
  @ApiAnswer(200, 'RegistrationList', { errors: [400, 404] })
  @Roles('organiser')
  async registrations(
    @Param('cid', ParseUUIDPipe) cid: string,
    @QueryParam('q') q?: string,
    @QueryParam('category') category?: string,
    @QueryParam('status') status?: string,
    @QueryParam('lunch') lunch?: string,
    @QueryParam('arrival') arrival?: string,
    @QueryParam('limit') limit?: string,
    @QueryParam('offset') offset?: string,
    @QueryParam('sort') sort?: string,
    @QueryParam('order') order?: string,
  ): Promise<RegistrationList> {
    if (sort && !(SORT_KEYS as readonly string[]).includes(sort)) {
      throw badRequest('validation_failed', `sort must be one of ${SORT_KEYS.join(', ')}`, [
        { field: 'sort', message: `one of ${SORT_KEYS.join(', ')}` },
      ]);
    }
    if (order && order !== 'asc' && order !== 'desc') {
      throw badRequest('validation_failed', 'order must be asc or desc', [{ field: 'order', message: 'asc or desc' }]);
    }
    if (arrival && !(ARRIVALS as readonly string[]).includes(arrival)) {
      throw badRequest('validation_failed', `arrival must be one of ${ARRIVALS.join(', ')}`);
    }
    if (category && !(CATEGORIES as readonly string[]).includes(category)) {
      throw badRequest('validation_failed', `category must be one of ${CATEGORIES.join(', ')}`);
    }
    if (status && !['registered', 'waitlisted', 'cancelled'].includes(status)) {
      throw badRequest('validation_failed', 'status must be registered, waitlisted or cancelled');
    }
    return this.queries.execute(
      new ListRegistrationsQuery(cid, {
        ...(q ? { q } : {}),
        ...(category ? { category: category as Category } : {}),
        ...(status ? { status: status as RegistrationStatus } : {}),
        ...(parseBool(lunch) !== undefined ? { lunch: parseBool(lunch)! } : {}),
        ...(arrival ? { arrival: arrival as Arrival } : {}),
        ...(sort ? { sort: sort as SortKey, descending: order === 'desc' } : {}),
        // Without a limit, everything at once, as before pages (the old clients' call).
        limit: parseLimit(limit, 100_000),
        offset: parseOffset(offset),
      }),
    );
  }
}
