/**
 * The contract: the shapes that cross HTTP and socket.io, declared once.
 * No @nestjs, no I/O. The server returns these types and documents these
 * schemas in its OpenAPI document (`CONTRACT_SCHEMAS`, as components); the
 * web apps read the same types; test/contract.e2e.spec.ts checks real answers
 * against the published document. ADR: docs/adr "One contract".
 */
import {
  AdmissionUndoneSchema,
  ConflictAcknowledgedSchema,
  ConflictListSchema,
  DoorDatasetSchema,
  RegistrationAdmissionUndoneSchema,
} from './arrivals.js';
import { LunchPaidSchema, LunchPaymentReversedSchema, ScanAnswerSchema, TicketPreviewSchema } from './arrivals.js';
import { AttendanceSnapshotSchema } from './attendance.js';
import {
  CharterClosedSchema,
  CharterListSchema,
  CharterPublishedSchema,
  CharterSchema,
  CharterSignedSchema,
  SignatoryListSchema,
  SignatureReceiptSchema,
  SignatureVoidedSchema,
  VerificationSchema,
} from './charters.js';
import {
  AttendeeSearchSchema,
  ConferenceListSchema,
  ConferenceRevisedSchema,
  ConferenceScheduledSchema,
  ConferenceSchema,
  ImportReportSchema,
  RegisteredSchema,
  RegistrationCancelledSchema,
  RegistrationCorrectedSchema,
  RegistrationListSchema,
  WalkInPolicySetSchema,
} from './conferences.js';
import { DeviceListSchema, DeviceSchema, EnrolledDeviceSchema, PrincipalSchema } from './devices.js';
import { ApiErrorSchema } from './errors.js';
import { BackupStatusSchema, LiveSchema, ReadySchema } from './health.js';
import {
  OnSiteSchema,
  RollCallMarkedSchema,
  RollCallSchema,
  RollCallStartedSchema,
  SpaceDefinedSchema,
  SpaceListSchema,
} from './spaces.js';
import { HistorySchema, PersonalDataErasedSchema, PersonExportSchema } from './privacy.js';
import { BadgePrintedSchema, DoorPrinterListSchema } from './badges.js';
import { TicketMailProgressSchema, TicketsQueuedSchema } from './ticket-mail.js';

export * from './schema.js';
export * from './vocabulary.js';
export * from './errors.js';
export * from './conferences.js';
export * from './arrivals.js';
export * from './charters.js';
export * from './devices.js';
export * from './attendance.js';
export * from './privacy.js';
export * from './health.js';
export * from './spaces.js';
export * from './requests.js';
export * from './badges.js';
export * from './ticket-mail.js';

/** Every answer by the name the OpenAPI document gives it (`#/components/schemas/<name>`). */
export const CONTRACT_SCHEMAS = {
  ApiError: ApiErrorSchema,
  Conference: ConferenceSchema,
  ConferenceList: ConferenceListSchema,
  ConferenceScheduled: ConferenceScheduledSchema,
  ConferenceRevised: ConferenceRevisedSchema,
  WalkInPolicySet: WalkInPolicySetSchema,
  AttendeeSearch: AttendeeSearchSchema,
  RegistrationList: RegistrationListSchema,
  Registered: RegisteredSchema,
  RegistrationCancelled: RegistrationCancelledSchema,
  RegistrationCorrected: RegistrationCorrectedSchema,
  ImportReport: ImportReportSchema,
  TicketPreview: TicketPreviewSchema,
  ScanAnswer: ScanAnswerSchema,
  AdmissionUndone: AdmissionUndoneSchema,
  RegistrationAdmissionUndone: RegistrationAdmissionUndoneSchema,
  LunchPaid: LunchPaidSchema,
  LunchPaymentReversed: LunchPaymentReversedSchema,
  DoorDataset: DoorDatasetSchema,
  ConflictList: ConflictListSchema,
  ConflictAcknowledged: ConflictAcknowledgedSchema,
  AttendanceSnapshot: AttendanceSnapshotSchema,
  Charter: CharterSchema,
  CharterList: CharterListSchema,
  SignatoryList: SignatoryListSchema,
  CharterPublished: CharterPublishedSchema,
  CharterSigned: CharterSignedSchema,
  SignatureReceipt: SignatureReceiptSchema,
  SignatureVoided: SignatureVoidedSchema,
  CharterClosed: CharterClosedSchema,
  Verification: VerificationSchema,
  Principal: PrincipalSchema,
  Device: DeviceSchema,
  EnrolledDevice: EnrolledDeviceSchema,
  DeviceList: DeviceListSchema,
  PersonalDataErased: PersonalDataErasedSchema,
  PersonExport: PersonExportSchema,
  History: HistorySchema,
  Live: LiveSchema,
  Ready: ReadySchema,
  BackupStatus: BackupStatusSchema,
  SpaceDefined: SpaceDefinedSchema,
  SpaceList: SpaceListSchema,
  OnSite: OnSiteSchema,
  RollCallStarted: RollCallStartedSchema,
  RollCallMarked: RollCallMarkedSchema,
  RollCall: RollCallSchema,
  BadgePrinted: BadgePrintedSchema,
  DoorPrinterList: DoorPrinterListSchema,
  TicketsQueued: TicketsQueuedSchema,
  TicketMailProgress: TicketMailProgressSchema,
} as const;
export type ContractSchemaName = keyof typeof CONTRACT_SCHEMAS;
