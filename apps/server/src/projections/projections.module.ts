import { Global, Module } from '@nestjs/common';
import { Projections } from './projections.js';

/** Global: attendance, arrivals, the doors' models and any later read model share the one subscription. */
@Global()
@Module({ providers: [Projections], exports: [Projections] })
export class ProjectionsModule {}
