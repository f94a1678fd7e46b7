import { Controller, Get, HttpCode, Inject, ServiceUnavailableException } from '@nestjs/common';
import type { EventStore } from '@emargement/event-store';
import { EVENT_STORE } from '../event-store/event-store.module.js';
import { Readiness } from './readiness.js';
import type { Live, Ready } from '@emargement/contract';
import { ApiAnswer } from '../shared/api-answers.js';

@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readiness: Readiness,
  ) {}

  /** The process is up; says nothing about its dependencies. */
  @Get('live')
  @ApiAnswer(200, 'Live', { public: true })
  live(): Live {
    return { status: 'ok' };
  }

  /**
   * Ready once the event store and the key store answer and every
   * registered check passes (projections and the device list caught up with
   * the store): 503 with the first failing check's code until then.
   */
  @Get('ready')
  @HttpCode(200)
  @ApiAnswer(200, 'Ready', { public: true, errors: [503] })
  async ready(): Promise<Ready> {
    let position: string | null;
    try {
      const [last] = await this.store.readAll({ direction: 'backwards', maxCount: 1 });
      position = last ? last.position.toString() : null;
    } catch (error) {
      throw new ServiceUnavailableException({
        statusCode: 503,
        code: 'event_store_unavailable',
        message: `The event store does not answer: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
    // A store that reads but cannot write (a read-only file, a full disk)
    // would take scans it cannot record: not ready, with the store's error.
    try {
      await this.store.probeWrite?.();
    } catch (error) {
      throw new ServiceUnavailableException({
        statusCode: 503,
        code: 'event_store_not_writable',
        message: 'The event store cannot write',
        detail: { error: error instanceof Error ? error.message : String(error) },
      });
    }
    // No personal data can be read or written without the key store (a shared
    // database when PERSONAL_KEYS_URL is set): ready only when it answers.
    const keys = this.store as EventStore & { pingKeys?: () => Promise<void> };
    if (typeof keys.pingKeys === 'function') {
      try {
        await keys.pingKeys();
      } catch (error) {
        throw new ServiceUnavailableException({
          statusCode: 503,
          code: 'key_store_unavailable',
          message: `The personal-data key store does not answer: ${error instanceof Error ? error.message : String(error)}`,
        });
      }
    }
    const checks = this.readiness.evaluate();
    const failing = checks.find((c) => !c.state.ready);
    if (failing && !failing.state.ready) {
      throw new ServiceUnavailableException({
        statusCode: 503,
        code: failing.state.code,
        message: failing.state.message,
        ...(failing.state.detail ? { detail: failing.state.detail } : {}),
      });
    }
    return {
      status: 'ready',
      position,
      checks: Object.fromEntries(checks.map((c) => [c.name, c.state.detail ?? {}])),
    };
  }
}
