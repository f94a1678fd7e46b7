import { Global, Module } from '@nestjs/common';
import { Backups, BackupsController } from './backups.js';

/** Continuous backups and the erasure journal (issue 28); global, so that the erasure use case can journal. */
@Global()
@Module({ controllers: [BackupsController], providers: [Backups], exports: [Backups] })
export class BackupModule {}
