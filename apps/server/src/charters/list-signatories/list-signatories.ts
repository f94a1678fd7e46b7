import { Controller, Get, Header, Param, ParseUUIDPipe } from '@nestjs/common';
import { Query, QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { organisationKey } from '@emargement/charter';
import { ConferenceRegistry } from '../../conferences/conference-registry.js';
import { ArrivalsIndex } from '../../arrivals/arrivals-index.js';
import { CharterRegistry } from '../charter-registry.js';
import type { SignatoryList } from '@emargement/contract';
import { ApiAnswer } from '../../shared/api-answers.js';
import { Roles } from '../../auth/roles.js';

/** What the signing tablet shows of a person: a name to pick, and the organisation to confirm. Nothing else. */
export interface Signatory {
  registrationId: string;
  firstName: string;
  lastName: string;
  name: string;
  organisation: string | null;
  /** Another representative has already signed for this organisation: signing would be refused `already_signed`. */
  organisationSigned: boolean;
}

export class ListSignatoriesQuery extends Query<Signatory[]> {
  constructor(
    readonly conferenceId: string,
    readonly charterId: string,
  ) {
    super();
  }
}

const collator = new Intl.Collator('fr', { sensitivity: 'base', ignorePunctuation: true });

/**
 * Admitted signatories who have not signed (a voided signature does not
 * count), by last name. From the arrivals read model, caught up first so that
 * a person admitted a moment ago is on the list; signing itself checks the
 * ticket's stream again.
 */
@QueryHandler(ListSignatoriesQuery)
export class ListSignatoriesHandler implements IQueryHandler<ListSignatoriesQuery> {
  constructor(
    private readonly conferences: ConferenceRegistry,
    private readonly charters: CharterRegistry,
    private readonly arrivals: ArrivalsIndex,
  ) {}

  async execute(q: ListSignatoriesQuery): Promise<Signatory[]> {
    const conference = await this.conferences.scheduled(q.conferenceId);
    const charter = await this.charters.published(q.conferenceId, q.charterId);
    await this.arrivals.fresh();
    const list: Signatory[] = [];
    for (const r of conference.registrations.values()) {
      if (r.category !== 'signatory' || r.status !== 'registered') continue;
      if (this.arrivals.summary(r.registrationId).admitted === null) continue;
      if (charter.standingByPerson.has(r.registrationId)) continue;
      const { firstName, lastName, organisation } = r.person;
      list.push({
        registrationId: r.registrationId,
        firstName,
        lastName,
        name: `${firstName} ${lastName}`,
        organisation,
        organisationSigned: organisation !== null && charter.standingByOrganisation.has(organisationKey(organisation)),
      });
    }
    return list.sort(
      (a, b) =>
        collator.compare(a.lastName, b.lastName) ||
        collator.compare(a.firstName, b.firstName) ||
        a.registrationId.localeCompare(b.registrationId),
    );
  }
}

@ApiTags('charter')
@Controller('conferences/:cid/charters/:chid/signatories')
export class ListSignatoriesController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Header('Cache-Control', 'private, no-store')
  @ApiOperation({ summary: 'For the signing tablet: admitted signatories who have not signed yet, by last name' })
  @ApiAnswer(200, 'SignatoryList', { errors: [404] })
  @Roles('organiser', 'kiosk')
  list(@Param('cid', ParseUUIDPipe) cid: string, @Param('chid', ParseUUIDPipe) chid: string): Promise<SignatoryList> {
    return this.queries.execute(new ListSignatoriesQuery(cid, chid));
  }
}
