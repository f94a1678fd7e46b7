/**
 * Crypto-shredding of personal data in the event log: personal fields are
 * sealed with a key per person kept outside the log; erasing the person
 * deletes the key. See `protected-event-store.ts` for the design.
 */
export {
  aadOf,
  isSealed,
  open,
  seal,
  SealedDataError,
  SEALED_ALGORITHM,
  SEALED_VERSION,
  type SealContext,
  type Sealed,
} from './envelope.js';
export {
  PERSONAL_KEY_BYTES,
  PersonalKeyStoreClosedError,
  SubjectErasedError,
  type PersonalKeyStore,
} from './key-store.js';
export { SqliteKeyStore } from './sqlite-key-store.js';
export { PostgresKeyStore } from './postgres-key-store.js';
export {
  PERSONAL_DATA,
  PERSONAL_DATA_RULES,
  personalDataTable,
  protect,
  reveal,
  sealedSubjectOf,
  SEALED_FIELD,
  subjectToSeal,
  withoutPersonalData,
  type PersonalDataRule,
  type PersonalDataTable,
} from './personal-data.js';
export { ProtectedEventStore, type MissingKey, type ProtectedEventStoreOptions } from './protected-event-store.js';
