import { Controller, Get, Param, ParseUUIDPipe, Query as QueryParam, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Query, QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CATEGORIES, isCategory, registrationById, type Category } from '@emargement/conference';
import { ConferenceRegistry } from '../../conferences/conference-registry.js';
import { DeviceRegistry } from '../../auth/device-registry.js';
import { parsePosition } from '../../shared/numbers.js';
import { badRequest } from '../../shared/api-error.js';
import { Ctx, type RequestContext } from '../../shared/request-context.js';
import { DoorReadModel } from '../door-read-model.js';
import type { DoorTicketRow } from './door-dataset.projection.js';
import type { DoorDataset } from '@emargement/contract';
import { placeOf, type MovementsState, type Place } from '@emargement/spaces';
import { MovementsRegistry } from '../../spaces/movements-registry.js';
import { ApiAnswer } from '../../shared/api-answers.js';
import { Roles } from '../../auth/roles.js';

class DoorAdmissionView {
  @ApiProperty() at!: string;
  @ApiProperty() door!: string;
}

class LunchFeeView {
  @ApiProperty() priceCents!: number;
  @ApiProperty() currency!: string;
}

class WalkInPolicyView {
  @ApiProperty() beyondCapacity!: boolean;
}

class DoorSpaceView {
  @ApiProperty() spaceId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: '12:30' }) opens!: string;
  @ApiProperty({ example: '14:00' }) closes!: string;
  @ApiProperty({ type: Number, nullable: true }) capacity!: number | null;
  @ApiProperty({ enum: CATEGORIES, isArray: true, nullable: true }) audience!: Category[] | null;
  @ApiProperty() requiresLunch!: boolean;
  @ApiProperty() oneEntry!: boolean;
  @ApiProperty() exitScan!: boolean;
}

class WhereView {
  @ApiProperty() spaceId!: string;
  @ApiProperty() at!: string;
}

class PlaceView {
  @ApiProperty({ type: WhereView, nullable: true, description: 'The space the person is in now, since when' })
  inside!: WhereView | null;
  @ApiProperty({ type: String, nullable: true, description: 'When the person left the site (not back since)' })
  leftSiteAt!: string | null;
  @ApiProperty({ type: [WhereView], description: 'Spaces entered today, first entry each' })
  entered!: WhereView[];
}

class DoorConferenceView {
  @ApiProperty() name!: string;
  @ApiProperty({ type: [String] }) doors!: string[];
  @ApiProperty() idCheckRequired!: boolean;
  @ApiPropertyOptional({ type: LunchFeeView, nullable: true }) lunch!: LunchFeeView | null;
  @ApiProperty() startsAt!: string;
  @ApiProperty() endsAt!: string;
  @ApiProperty() timezone!: string;
  @ApiProperty() capacity!: number;
  @ApiProperty({ type: WalkInPolicyView }) walkIns!: WalkInPolicyView;
  @ApiProperty({ type: [DoorSpaceView], description: "The day's spaces, for a space's phone to decide offline" })
  spaces!: DoorSpaceView[];
}

export class DoorTicketView {
  @ApiProperty() registrationId!: string;
  @ApiProperty({ description: "SHA-256 (lower-case hex) of the ticket code's UTF-8 bytes; the code never travels" })
  ticketSha256!: string;
  @ApiProperty() firstName!: string;
  @ApiProperty() lastName!: string;
  @ApiProperty({ type: String, nullable: true }) organisation!: string | null;
  @ApiProperty({ enum: CATEGORIES }) category!: Category;
  @ApiProperty({ enum: ['registered', 'waitlisted', 'cancelled'] }) status!: 'registered' | 'waitlisted' | 'cancelled';
  @ApiProperty() lunch!: boolean;
  @ApiProperty() lunchPaid!: boolean;
  @ApiProperty({ type: DoorAdmissionView, nullable: true }) admitted!: DoorAdmissionView | null;
  @ApiProperty({
    type: PlaceView,
    nullable: true,
    description: 'Where the person is among the spaces (null: no movement yet); a movement changes the row',
  })
  place!: PlaceView | null;
}

export class DoorDatasetView {
  @ApiProperty({ description: 'The store position the list was built at: pass it back as `since` for the changes' })
  cursor!: string;
  @ApiProperty({ description: 'true: the whole list (replace yours); false: only what changed since the cursor' })
  complete!: boolean;
  @ApiProperty({ type: DoorConferenceView }) conference!: DoorConferenceView;
  @ApiProperty({ type: [DoorTicketView] }) tickets!: DoorTicketView[];
  @ApiProperty({ type: [String], description: 'Registrations the door must forget (erased persons)' })
  removed!: string[];
}

/** The door's list as it is sent: the head at once, the tickets page by page, `removed` once they are all read. */
export interface DoorDatasetStream extends Omit<DoorDataset, 'tickets' | 'removed'> {
  tickets: AsyncIterable<DoorDataset['tickets']>;
  /** Filled while `tickets` is read: complete once it is exhausted. */
  removed: string[];
}

export class GetDoorDatasetQuery extends Query<DoorDatasetStream> {
  constructor(
    readonly conferenceId: string,
    readonly since: bigint | null,
  ) {
    super();
  }
}

/**
 * The door's list for deciding without the server. Rows come from the
 * door-dataset projection (no names there); the names are joined from the
 * registry, which is at least as fresh as the projection's cursor (it catches
 * up from the conference stream on every read). An erased person's ticket is
 * listed as cancelled, with no name (issue 21). Read and joined page by page
 * (issue 27): a door loading the whole list at 100,000 registrations does not
 * hold the other doors' scans.
 */
@QueryHandler(GetDoorDatasetQuery)
export class GetDoorDatasetHandler implements IQueryHandler<GetDoorDatasetQuery> {
  constructor(
    private readonly doors: DoorReadModel,
    private readonly registry: ConferenceRegistry,
    private readonly movements: MovementsRegistry,
  ) {}

  async execute(q: GetDoorDatasetQuery): Promise<DoorDatasetStream> {
    const { cursor, pages } = await this.doors.datasetInPages(q.conferenceId, q.since);
    const conference = await this.registry.scheduled(q.conferenceId);
    // Read after the cursor: at least as fresh as it (a place newer than it is sent again, unchanged, later).
    const { state: movements } = await this.movements.current(q.conferenceId);
    const d = conference.details;
    const removed: string[] = [];
    async function* tickets(): AsyncIterable<DoorTicketView[]> {
      for await (const page of pages) {
        const views: DoorTicketView[] = [];
        for (const { row, position } of page) {
          const registration = registrationById(conference, row.registrationId);
          if (registration === undefined) {
            // Changed after the cursor (a registration newer than the registry read here): the next delta has it.
            if (position > cursor) continue;
            if (q.since !== null) removed.push(row.registrationId);
            continue;
          }
          if (row.erased || registration.erasedAt !== undefined) {
            // Kept as a cancelled ticket, by its hash alone: refused offline as it is online.
            views.push({
              ...ticketView(row, '', ''),
              status: 'cancelled',
              organisation: null,
              lunch: false,
              lunchPaid: false,
              admitted: null,
              place: null,
            });
            continue;
          }
          views.push(ticketView(row, registration.person.firstName, registration.person.lastName, movements));
        }
        if (views.length > 0) yield views;
      }
    }
    return {
      cursor: cursor.toString(),
      complete: q.since === null,
      conference: {
        name: d.name,
        doors: [...d.doors],
        idCheckRequired: d.idCheckRequired,
        lunch: d.lunch,
        startsAt: d.startsAt,
        endsAt: d.endsAt,
        timezone: d.timezone,
        capacity: d.capacity,
        walkIns: { beyondCapacity: conference.walkIns.beyondCapacity },
        spaces: [...movements.spaces.values()].map((space) => ({
          ...space,
          audience: space.audience === null ? null : space.audience.filter(isCategory),
        })),
      },
      tickets: tickets(),
      removed,
    };
  }
}

const placeView = (place: Place | null): PlaceView | null =>
  place === null
    ? null
    : {
        inside: place.inside === null ? null : { ...place.inside },
        leftSiteAt: place.leftSiteAt,
        entered: place.entered.map((e) => ({ ...e })),
      };

const ticketView = (
  row: DoorTicketRow,
  firstName: string,
  lastName: string,
  movements?: MovementsState,
): DoorTicketView => {
  const first = row.admissions[0];
  return {
    registrationId: row.registrationId,
    ticketSha256: row.ticketSha256,
    firstName,
    lastName,
    organisation: row.organisation,
    category: row.category,
    status: row.status,
    lunch: row.lunch,
    lunchPaid: row.lunchPaid,
    admitted: first === undefined ? null : { at: first.at, door: first.door },
    place: movements === undefined ? null : placeView(placeOf(movements, row.registrationId)),
  };
};

@ApiTags('arrivals')
@Controller('conferences/:cid/door-dataset')
export class GetDoorDatasetController {
  constructor(
    private readonly queries: QueryBus,
    private readonly devices: DeviceRegistry,
  ) {}

  @Get()
  @ApiQuery({ name: 'since', required: false, description: 'A cursor from an earlier answer' })
  @ApiAnswer(200, 'DoorDataset', { errors: [404] })
  @Roles('organiser', 'door')
  async get(
    @Param('cid', ParseUUIDPipe) cid: string,
    @QueryParam('since') since: string | undefined,
    @Ctx() ctx: RequestContext,
    @Res() res: Response,
  ): Promise<void> {
    // Parsed with its range (a signed 64-bit position): a number past it is a bad cursor, not a 500.
    const position = since === undefined ? null : parsePosition(since);
    if (since !== undefined && position === null) {
      throw badRequest('invalid_cursor', 'since must be a cursor from an earlier answer', [
        { field: 'since', message: 'a decimal position' },
      ]);
    }
    const answer = await this.queries.execute(new GetDoorDatasetQuery(cid, position));
    if (ctx.role === 'door') this.devices.reportDoor(ctx.deviceId, { datasetCursor: answer.cursor });
    await sendDataset(res, answer);
  }
}

/**
 * Writes the list as JSON (the `DoorDataset` of the contract, keys in its
 * order) a page at a time, waiting for the socket to drain: the 30 MB of a
 * 100,000-person list are never one string, and never one turn of the loop.
 * A failure once the head is sent can only cut the answer short (the door
 * then finds it unreadable and keeps its list).
 */
async function sendDataset(res: Response, answer: DoorDatasetStream): Promise<void> {
  const { tickets, removed, ...head } = answer;
  // A client that stops reading and goes away never drains: its close ends the wait too, and the loop below stops.
  const write = (chunk: string): Promise<void> =>
    res.write(chunk)
      ? Promise.resolve()
      : new Promise((resolve) => {
          const done = (): void => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.once('drain', done);
          res.once('close', done);
        });
  res.status(200).type('application/json');
  const opening = JSON.stringify(head);
  await write(`${opening.slice(0, -1)},"tickets":[`);
  let first = true;
  try {
    for await (const page of tickets) {
      if (res.destroyed) return;
      await write(`${first ? '' : ','}${page.map((t) => JSON.stringify(t)).join(',')}`);
      first = false;
    }
  } catch (error) {
    res.destroy(error instanceof Error ? error : new Error(String(error)));
    return;
  }
  if (res.destroyed) return;
  res.end(`],"removed":${JSON.stringify(removed)}}`);
}
