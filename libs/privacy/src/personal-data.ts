import { SIGNATURE_PERSONAL_FIELDS } from '@emargement/charter';
import type { Person } from '@emargement/conference';
import { InvalidEventStoreArgumentError } from '@emargement/event-store';
import { isSealed, open, seal, SealedDataError, type SealContext } from './envelope.js';

/**
 * Which events hold personal data, and where: a declarative table. For each
 * event type, the subject (whose key seals the data), the object holding the
 * personal fields (the "container"), the fields, and what each reads as once
 * erased.
 *
 * Sealed, the fields are removed from their container and one envelope takes
 * their place under `sealed` (`data.person.sealed`, `data.sealed`); everything
 * else stays in clear: ids, the organisation (counts by organisation survive
 * an erasure), the charter's digests and hashes.
 *
 * Erased values: a registration's name and e-mail read as `''` (a `Person`
 * keeps its string fields) with `data.person.erased === true`. A signature's
 * name, salt, strokes and image read as `null` with `data.personalDataErased
 * === true`: `verify` (libs/charter/src/chain.ts) checks every personal field
 * still present *as a string or an array* against its digest, so `''` or `[]`
 * there would make an intact chain read as tampered; `null` is what it skips.
 */
export interface PersonalDataRule {
  readonly eventType: string;
  /** Path within `data` of the subject (a non-empty string). */
  readonly subjectPath: readonly string[];
  /** Path within `data` of the object holding the fields; `[]` is `data` itself. */
  readonly containerPath: readonly string[];
  readonly fields: readonly string[];
  /**
   * Fields of `data` itself (outside the container) sealed in the same envelope: a registration's ticket
   * code, a bearer secret at the event's top level beside the `person` container. Default: none.
   */
  readonly dataFields?: readonly string[];
  /** What each field (of `fields` and `dataFields`) reads as once the subject is erased. */
  readonly erasedValues: Readonly<Record<string, unknown>>;
  /** Set to `true` in the container when the fields read as erased. */
  readonly erasedFlag: string;
}

export type PersonalDataTable = ReadonlyMap<string, PersonalDataRule>;

/** The key, in a container, of the envelope that replaced its personal fields. */
export const SEALED_FIELD = 'sealed';

const PERSON_PERSONAL_FIELDS = ['firstName', 'lastName', 'email'] as const satisfies readonly (keyof Person)[];

const registration = (eventType: 'PersonRegistered' | 'PersonWaitlisted'): PersonalDataRule => ({
  eventType,
  subjectPath: ['registrationId'],
  containerPath: ['person'],
  fields: PERSON_PERSONAL_FIELDS,
  // The ticket code opens the door to whoever holds it: sealed too, so that a copy of the log (a backup, a
  // replica) lets no one in. The door finds tickets by the digest the event keeps in clear (`ticketSha256`).
  dataFields: ['ticketCode'],
  erasedValues: { firstName: '', lastName: '', email: '', ticketCode: '' } satisfies Record<
    (typeof PERSON_PERSONAL_FIELDS)[number] | 'ticketCode',
    string
  >,
  erasedFlag: 'erased',
});

const SIGNATURE_ERASED: Record<(typeof SIGNATURE_PERSONAL_FIELDS)[number], null> = {
  name: null,
  nameSalt: null,
  strokes: null,
  image: null,
};

export const PERSONAL_DATA_RULES: readonly PersonalDataRule[] = [
  registration('PersonRegistered'),
  registration('PersonWaitlisted'),
  // A correction's new names and address are the person's like the first ones: sealed with their key, erased with
  // it. Only the fields the correction holds are sealed; erased, all read as '' (`changes.erased`), which the
  // registry's fold then ignores.
  { ...registration('PersonRegistered'), eventType: 'RegistrationCorrected', containerPath: ['changes'] },
  // The address a ticket was sent to (issue 25): sealed with the person's key, so an erasure leaves none in the log.
  // The SMTP server's answer too: servers echo the address (`550 5.1.1 <anne@example.org>: User unknown`).
  {
    eventType: 'TicketSendQueued',
    subjectPath: ['registrationId'],
    containerPath: ['recipient'],
    fields: ['email'],
    erasedValues: { email: '' },
    erasedFlag: 'erased',
  },
  ...(['TicketSent', 'TicketSendFailed'] as const).map((eventType): PersonalDataRule => ({
    eventType,
    subjectPath: ['registrationId'],
    containerPath: ['recipient'],
    fields: ['email'],
    dataFields: ['response'],
    erasedValues: { email: '', response: '' },
    erasedFlag: 'erased',
  })),
  {
    eventType: 'CharterSigned',
    subjectPath: ['registrationId'],
    containerPath: [],
    fields: SIGNATURE_PERSONAL_FIELDS,
    erasedValues: SIGNATURE_ERASED,
    erasedFlag: 'personalDataErased',
  },
];

export const personalDataTable = (rules: readonly PersonalDataRule[]): PersonalDataTable =>
  new Map(rules.map((rule) => [rule.eventType, rule]));

export const PERSONAL_DATA: PersonalDataTable = personalDataTable(PERSONAL_DATA_RULES);

interface EventLike {
  type: string;
  data: unknown;
}

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function getAt(data: unknown, path: readonly string[]): unknown {
  let at = data;
  for (const key of path) {
    if (!isRecord(at)) return undefined;
    at = at[key];
  }
  return at;
}

/** A copy of `data` with the object at `path` replaced; only the objects along the path are copied. */
function replaceAt(data: Json, path: readonly string[], value: Json): Json {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  return { ...data, [head]: replaceAt(data[head] as Json, rest, value) };
}

interface Located {
  rule: PersonalDataRule;
  data: Json;
  container: Json;
}

function locate(event: EventLike, table: PersonalDataTable): Located | null {
  const rule = table.get(event.type);
  if (rule === undefined || !isRecord(event.data)) return null;
  const container = getAt(event.data, rule.containerPath);
  return isRecord(container) ? { rule, data: event.data, container } : null;
}

const without = (container: Json, fields: readonly string[]): Json => {
  const rest = { ...container };
  for (const field of fields) delete rest[field];
  return rest;
};

const dataFieldsOf = (rule: PersonalDataRule): readonly string[] => rule.dataFields ?? [];

const holdsClearFields = (rule: PersonalDataRule, data: Json, container: Json): boolean =>
  rule.fields.some((field) => Object.hasOwn(container, field)) ||
  dataFieldsOf(rule).some((field) => Object.hasOwn(data, field));

/** `data` with its container replaced by `container`, without the rule's top-level fields. */
const rebuilt = (rule: PersonalDataRule, data: Json, container: Json): Json =>
  without(replaceAt(data, rule.containerPath, container), dataFieldsOf(rule));

// ---------------------------------------------------------------- protect

/**
 * The subject whose key `protect` will need for `event`, or `null` when the
 * event holds no personal field in clear (another type, or nothing to seal).
 * Throws `InvalidEventStoreArgumentError` when it holds some but no usable
 * subject, or both clear fields and an envelope.
 */
export function subjectToSeal(event: EventLike, table: PersonalDataTable = PERSONAL_DATA): string | null {
  const found = locate(event, table);
  if (found === null) return null;
  const { rule, data, container } = found;
  if (!holdsClearFields(rule, data, container)) return null;
  const subject = getAt(data, rule.subjectPath);
  if (typeof subject !== 'string' || subject.length === 0) {
    throw new InvalidEventStoreArgumentError(
      `${event.type} holds personal data but no ${rule.subjectPath.join('.')} to key it by`,
    );
  }
  if (Object.hasOwn(container, SEALED_FIELD)) {
    throw new InvalidEventStoreArgumentError(`${event.type} holds both personal data in clear and a sealed envelope`);
  }
  return subject;
}

/**
 * `event` with its personal fields sealed: removed from their container and
 * replaced by one envelope under `sealed`, bound to `streamName`, the event
 * type and the subject. Events without personal fields in clear are returned
 * as they are. Never changes `event`.
 */
export function protect<E extends EventLike>(
  streamName: string,
  event: E,
  keyOf: (subject: string) => Buffer,
  table: PersonalDataTable = PERSONAL_DATA,
): E {
  const subject = subjectToSeal(event, table);
  if (subject === null) return event;
  const { rule, data, container } = locate(event, table)!;
  const value: Json = {};
  for (const field of rule.fields) if (Object.hasOwn(container, field)) value[field] = container[field];
  // Top-level fields go in the same envelope, under their own key (a container field may have the same name).
  const outer: Json = {};
  for (const field of dataFieldsOf(rule)) if (Object.hasOwn(data, field)) outer[field] = data[field];
  if (Object.keys(outer).length > 0) value[DATA_FIELDS_KEY] = outer;
  const sealed = seal(keyOf(subject), { streamName, eventType: event.type, subject }, value);
  const replaced = { ...without(container, rule.fields), [SEALED_FIELD]: sealed };
  return { ...event, data: rebuilt(rule, data, replaced) };
}

/** Where, inside an envelope, the rule's top-level fields are kept. */
const DATA_FIELDS_KEY = '$data';

/** `event` with its personal fields removed and no envelope: for a subject already erased. */
export function withoutPersonalData<E extends EventLike>(event: E, table: PersonalDataTable = PERSONAL_DATA): E {
  const found = locate(event, table);
  if (found === null) return event;
  const { rule, data, container } = found;
  if (!holdsClearFields(rule, data, container)) return event;
  return { ...event, data: rebuilt(rule, data, without(container, rule.fields)) };
}

// ----------------------------------------------------------------- reveal

/** The subject whose key `reveal` will need for a recorded `event`, or `null` when it holds no envelope. */
export function sealedSubjectOf(event: EventLike, table: PersonalDataTable = PERSONAL_DATA): string | null {
  const found = locate(event, table);
  if (found === null || !Object.hasOwn(found.container, SEALED_FIELD)) return null;
  const subject = getAt(found.data, found.rule.subjectPath);
  return typeof subject === 'string' && subject.length > 0 ? subject : null;
}

/**
 * A recorded `event` with its envelope opened: the fields back in their
 * container exactly as appended, `sealed` removed. When the key is `'erased'`
 * (or missing: `null`, which should not happen), the fields read as erased and
 * the rule's flag is set. Events without an envelope (other types, or written
 * before this library) are returned as they are. Throws `SealedDataError`
 * when an envelope does not open (tampering, moved, wrong key).
 */
export function reveal<E extends EventLike>(
  streamName: string,
  event: E,
  keyOf: (subject: string) => Buffer | null | 'erased',
  table: PersonalDataTable = PERSONAL_DATA,
): E {
  const found = locate(event, table);
  if (found === null || !Object.hasOwn(found.container, SEALED_FIELD)) return event;
  const { rule, data, container } = found;
  const sealed = container[SEALED_FIELD];
  const subject = getAt(data, rule.subjectPath);
  const context: SealContext = {
    streamName,
    eventType: event.type,
    subject: typeof subject === 'string' ? subject : String(subject),
  };
  if (!isSealed(sealed)) throw new SealedDataError('Not a sealed envelope of a known version', context);
  if (typeof subject !== 'string' || subject.length === 0 || subject !== sealed.subject) {
    throw new SealedDataError('The envelope was sealed for another subject', context);
  }
  const rest = without(container, [SEALED_FIELD]);
  const key = keyOf(subject);
  const outerFields = dataFieldsOf(rule);
  let revealed: Json;
  let outer: Json = {};
  if (key === null || key === 'erased') {
    const erased: Json = {};
    for (const [field, v] of Object.entries(rule.erasedValues)) if (!outerFields.includes(field)) erased[field] = v;
    revealed = { ...without(rest, rule.fields), ...erased, [rule.erasedFlag]: true };
    // A field still in clear beside the envelope (sealed before the rule sealed it) stays as the log holds it:
    // a ticket recorded so is still found, and refused, by its code.
    for (const field of outerFields) if (!Object.hasOwn(data, field)) outer[field] = rule.erasedValues[field];
  } else {
    const value = open(key, context, sealed);
    if (!isRecord(value)) throw new SealedDataError('The envelope does not hold an object', context);
    const { [DATA_FIELDS_KEY]: sealedOuter, ...fields } = value;
    // An envelope sealed before the rule had top-level fields holds none: those events keep them in clear.
    if (isRecord(sealedOuter)) outer = sealedOuter;
    revealed = { ...without(rest, rule.fields), ...fields };
  }
  return { ...event, data: { ...replaceAt(data, rule.containerPath, revealed), ...outer } };
}
