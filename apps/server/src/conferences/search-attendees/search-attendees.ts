import { Controller, Get, Param, ParseUUIDPipe, Query as QueryParam } from '@nestjs/common';
import { Query, QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  CATEGORIES,
  queryMatcher,
  searchWords,
  type Category,
  type EntryRefusalReason,
  type Registration,
  type RegistrationStatus,
} from '@emargement/conference';
import { ConferenceRegistry } from '../conference-registry.js';
import { ArrivalsIndex } from '../../arrivals/arrivals-index.js';
import { badRequest } from '../../shared/api-error.js';
import { ARRIVALS, type Arrival, type AttendeeSearch, type RegistrationList } from '@emargement/contract';
import { ApiAnswer } from '../../shared/api-answers.js';

export interface RegistrationFilter {
  q?: string;
  category?: Category;
  status?: RegistrationStatus;
  lunch?: boolean;
  /** At the door: admitted (an admission stands), not yet admitted, or refused with no admission standing. */
  arrival?: Arrival;
  limit: number;
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

export class ListRegistrationsQuery extends Query<{ items: RegistrationItem[]; total: number }> {
  constructor(
    readonly conferenceId: string,
    readonly filter: RegistrationFilter,
  ) {
    super();
  }
}

/** Search words per registration, computed once per registration object (registrations are immutable values). */
const wordsCache = new WeakMap<Registration, string[]>();
const wordsOf = (r: Registration): string[] => {
  let w = wordsCache.get(r);
  if (!w) {
    w = searchWords([r.person.firstName, r.person.lastName, r.person.organisation, r.person.email]);
    wordsCache.set(r, w);
  }
  return w;
};

@QueryHandler(ListRegistrationsQuery)
export class ListRegistrationsHandler implements IQueryHandler<ListRegistrationsQuery> {
  constructor(
    private readonly registry: ConferenceRegistry,
    private readonly arrivals: ArrivalsIndex,
  ) {}

  async execute({ conferenceId, filter }: ListRegistrationsQuery) {
    const conference = await this.registry.scheduled(conferenceId);
    await this.arrivals.caughtUp();
    const matches = filter.q?.trim() ? queryMatcher(filter.q) : undefined;
    const items: RegistrationItem[] = [];
    let total = 0;
    for (const r of conference.registrations.values()) {
      if (filter.category && r.category !== filter.category) continue;
      if (filter.status && r.status !== filter.status) continue;
      if (filter.lunch !== undefined && r.lunch !== filter.lunch) continue;
      if (matches && !matches(wordsOf(r))) continue;
      const summary = this.arrivals.summary(r.registrationId);
      if (filter.arrival === 'arrived' && summary.admitted === null) continue;
      if (filter.arrival === 'not_arrived' && summary.admitted !== null) continue;
      if (filter.arrival === 'refused' && (summary.admitted !== null || summary.refused === null)) continue;
      total += 1;
      if (items.length >= filter.limit) continue;
      items.push({
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
      });
    }
    return { items, total };
  }
}

const parseBool = (v: string | undefined): boolean | undefined => {
  if (v === undefined || v === '') return undefined;
  if (v === 'true' || v === '1' || v === 'yes') return true;
  if (v === 'false' || v === '0' || v === 'no') return false;
  throw badRequest('validation_failed', 'lunch must be true or false', [{ field: 'lunch', message: 'boolean' }]);
};

const parseLimit = (v: string | undefined, max: number): number => {
  if (v === undefined) return max;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw badRequest('validation_failed', 'limit must be a positive integer');
  return Math.min(n, max);
};

@ApiTags('registrations')
@Controller('conferences/:cid')
export class SearchAttendeesController {
  constructor(private readonly queries: QueryBus) {}

  /** Door search: name, organisation or e-mail, ignoring case and accents, forgiving one typo. */
  @Get('attendees')
  @ApiQuery({ name: 'q', required: false })
  @ApiAnswer(200, 'AttendeeSearch', { errors: [404] })
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
  @ApiAnswer(200, 'RegistrationList', { errors: [404] })
  async registrations(
    @Param('cid', ParseUUIDPipe) cid: string,
    @QueryParam('q') q?: string,
    @QueryParam('category') category?: string,
    @QueryParam('status') status?: string,
    @QueryParam('lunch') lunch?: string,
    @QueryParam('arrival') arrival?: string,
    @QueryParam('limit') limit?: string,
  ): Promise<RegistrationList> {
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
        limit: parseLimit(limit, 100_000),
      }),
    );
  }
}
