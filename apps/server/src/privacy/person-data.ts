import { Inject, Injectable } from '@nestjs/common';
import type { EventStore } from '@emargement/event-store';
import { EVENT_STORE } from '../event-store/event-store.module.js';

/** What can forget a person: the store's key store (the event store given to the server is a ProtectedEventStore). */
export interface Forgetting {
  erase(subject: string, reason?: string): Promise<{ erased: boolean }>;
}

const canForget = (store: unknown): store is Forgetting => typeof (store as { erase?: unknown }).erase === 'function';

/** Deletes a person's key, through the event store the server runs on. */
@Injectable()
export class PersonKeys {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async forget(registrationId: string, reason: string): Promise<void> {
    if (!canForget(this.store)) throw new Error('The event store does not protect personal data');
    await this.store.erase(registrationId, reason);
  }
}
