import { Global, Module, type DynamicModule } from '@nestjs/common';
import { RateLimits } from '../security/rate-limit.js';
import { Clock } from '../shared/clock.js';
import type { AppConfig } from './config.js';

export const APP_CONFIG = Symbol('APP_CONFIG');

/**
 * The configuration, and what every module shares because of it: the rate
 * limits (one set per instance, used by the HTTP middleware, the auth guard
 * and the socket handshakes alike).
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: RateLimits, useFactory: () => new RateLimits(config) },
        Clock,
      ],
      exports: [APP_CONFIG, RateLimits, Clock],
    };
  }
}
