import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { AppConfig } from './config/config.js';
import { ConfigModule } from './config/config.module.js';
import { EventStoreModule } from './event-store/event-store.module.js';
import { HealthModule } from './health/health.module.js';
import { ConferencesModule } from './conferences/conferences.module.js';
import { ArrivalsModule } from './arrivals/arrivals.module.js';
import { CharterModule } from './charters/charter.module.js';
import { TicketsModule } from './conferences/tickets/tickets.module.js';
import { BadgesModule } from './conferences/badges/badges.module.js';
import { MailModule } from './conferences/tickets/mail/mail.module.js';
import { AttendanceModule } from './attendance/attendance.module.js';
import { AuthModule } from './auth/auth.module.js';
import { PrivacyModule } from './privacy/privacy.module.js';
import { BackupModule } from './backup/backup.module.js';
import { SpacesModule } from './spaces/spaces.module.js';
import { ProjectionsModule } from './projections/projections.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        CqrsModule.forRoot(),
        EventStoreModule,
        AuthModule,
        HealthModule,
        ProjectionsModule,
        BackupModule,
        ConferencesModule,
        ArrivalsModule,
        CharterModule,
        TicketsModule,
        BadgesModule,
        MailModule,
        AttendanceModule,
        PrivacyModule,
        SpacesModule,
      ],
    };
  }
}
