import { Module } from '@nestjs/common';
import { ConferencesModule } from '../conferences/conferences.module.js';
import { ScanTicketController, ScanTicketHandler } from './scan-ticket/scan-ticket.js';
import { TicketCache } from './ticket-cache.js';
import {
  UndoAdmissionController,
  UndoAdmissionHandler,
  UndoRegistrationAdmissionController,
  UndoRegistrationAdmissionHandler,
} from './undo-admission/undo-admission.js';
import {
  ReverseLunchPaymentController,
  ReverseLunchPaymentHandler,
} from './reverse-lunch-payment/reverse-lunch-payment.js';
import {
  RecordLunchPaymentController,
  RecordLunchPaymentHandler,
} from './record-lunch-payment/record-lunch-payment.js';
import { LookUpTicketController, LookUpTicketHandler } from './look-up-ticket/look-up-ticket.js';
import { DoorReadModel } from './door-read-model.js';
import { GetDoorDatasetController, GetDoorDatasetHandler } from './door-dataset/get-door-dataset.js';
import { AcknowledgeConflictHandler, ConflictsController, ListConflictsHandler } from './conflicts/conflicts.js';

/**
 * Arrivals at the door: scans, their undoing, lunch payments, the door's list
 * for working offline and the conflicts it leaves. Decided on the registry's
 * facts, hence ConferencesModule (the registry, the movements, and the
 * arrivals index, which the registrations' lists and tickets read too and so
 * is provided there).
 */
@Module({
  imports: [ConferencesModule],
  controllers: [
    ScanTicketController,
    UndoAdmissionController,
    UndoRegistrationAdmissionController,
    RecordLunchPaymentController,
    ReverseLunchPaymentController,
    LookUpTicketController,
    GetDoorDatasetController,
    ConflictsController,
  ],
  providers: [
    ScanTicketHandler,
    TicketCache,
    UndoAdmissionHandler,
    UndoRegistrationAdmissionHandler,
    RecordLunchPaymentHandler,
    ReverseLunchPaymentHandler,
    LookUpTicketHandler,
    DoorReadModel,
    GetDoorDatasetHandler,
    ListConflictsHandler,
    AcknowledgeConflictHandler,
  ],
})
export class ArrivalsModule {}
