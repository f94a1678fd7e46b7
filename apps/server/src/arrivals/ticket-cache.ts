import { Inject, Injectable } from '@nestjs/common';
import type { EventStore } from '@emargement/event-store';
import {
  arrivalDecider,
  ticketStream,
  type ArrivalCommand,
  type ArrivalEvent,
  type ArrivalOutcome,
  type ArrivalRefusalReason,
  type TicketState,
} from '@emargement/conference';
import { EVENT_STORE } from '../event-store/event-store.module.js';
import { AggregateCache } from '../shared/aggregate-cache.js';

/**
 * Ticket streams folded once and caught up by reading only what is new: the
 * cost of a scan no longer grows with the ticket's history (a door that
 * uploaded thousands of scans of one ticket made every later scan of it
 * re-read and refold them all: 95 ms a scan after 1,400 events). A cache of
 * the write side (AggregateCache), not a read model: every decision is still
 * appended against the revision it was made on, and commands on one ticket
 * are queued, not raced. One state per ticket scanned on this instance: a
 * few hundred bytes each, 50,000 tickets in tens of megabytes.
 */
@Injectable()
export class TicketCache {
  readonly aggregates: AggregateCache<ArrivalCommand, ArrivalEvent, TicketState, ArrivalOutcome, ArrivalRefusalReason>;

  constructor(@Inject(EVENT_STORE) store: EventStore) {
    this.aggregates = new AggregateCache(store, ticketStream, arrivalDecider);
  }
}
