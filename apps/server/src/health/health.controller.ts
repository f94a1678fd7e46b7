import { Controller, Get, HttpCode, Inject, ServiceUnavailableException } from '@nestjs/common';
import type { EventStore } from '@emargement/event-store';
import { EVENT_STORE } from '../event-store/event-store.module.js';

@Controller('health')
export class HealthController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** The process is up; says nothing about its dependencies. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Ready once the event store answers a read. */
  @Get('ready')
  @HttpCode(200)
  async ready(): Promise<{ status: 'ready'; position: string | null }> {
    try {
      const [last] = await this.store.readAll({ direction: 'backwards', maxCount: 1 });
      return { status: 'ready', position: last ? last.position.toString() : null };
    } catch (error) {
      throw new ServiceUnavailableException({
        statusCode: 503,
        code: 'event_store_unavailable',
        message: `The event store does not answer: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
}
