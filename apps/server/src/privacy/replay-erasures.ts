import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Backups } from '../backup/backups.js';
import { ConferenceRegistry } from '../conferences/conference-registry.js';
import { ErasePersonCommand } from './erase-person/erase-person.js';

/**
 * After a restore from a backup taken before some erasures, the store's events
 * do not record them (their keys were erased again when the store was opened,
 * before anything read it: `openEventStore`). Each erasure of the journal that
 * the conference's events lack is recorded again at start, so the person is
 * erased in every read model and the door refuses their ticket, as before.
 */
@Injectable()
export class ReplayErasures implements OnApplicationBootstrap {
  private readonly logger = new Logger('ErasureJournal');

  constructor(
    private readonly backups: Backups,
    private readonly registry: ConferenceRegistry,
    private readonly commands: CommandBus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    let recorded = 0;
    for (const entry of await this.backups.journal()) {
      try {
        const { state } = await this.registry.current(entry.conferenceId);
        if (state.status !== 'scheduled') continue;
        const registration = state.registrations.get(entry.registrationId);
        // Not in this store (registered after the backup), or erased already.
        if (registration === undefined || registration.erasedAt !== undefined) continue;
        await this.commands.execute(
          new ErasePersonCommand(
            entry.conferenceId,
            entry.registrationId,
            'erasure journal: recorded again after a restore',
            {
              deviceId: 'server',
              role: null,
              correlationId: `erasure-journal-${entry.registrationId}`,
              userAgent: null,
            },
          ),
        );
        recorded += 1;
      } catch (error) {
        this.logger.error(
          `Could not record again the erasure of ${entry.registrationId}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    if (recorded > 0) this.logger.log(`Recorded again ${recorded} erasure(s) from the erasure journal`);
  }
}
