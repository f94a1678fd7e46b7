/**
 * Translations between the peer's store and the client's protobuf messages:
 * UUIDs, stream identifiers, recorded events, filters, error statuses.
 */
import { randomUUID } from 'node:crypto';

import grpc from '@grpc/grpc-js';

import { sharedPb, streamsPb, type ReadResp, type Uuid } from './proto.js';
import type { LogPosition, ProposedEvent, StoredEvent } from './store.js';

/** A gRPC status the peer ends a call with. */
export interface PeerStatus {
  readonly code: grpc.status;
  readonly details: string;
  readonly metadata?: grpc.Metadata;
}

/** Thrown inside handlers; turned into the call's status. */
export class StatusError extends Error {
  constructor(readonly status: PeerStatus) {
    super(status.details);
  }
}

export function statusOf(error: unknown): PeerStatus {
  if (error instanceof StatusError) return error.status;
  return { code: grpc.status.INTERNAL, details: error instanceof Error ? error.message : String(error) };
}

/** The status and `exception` trailer the server uses for an error the client maps to a typed error. */
export function exceptionStatus(
  code: grpc.status,
  details: string,
  exception: string,
  extra: Record<string, string> = {},
): PeerStatus {
  const metadata = new grpc.Metadata();
  metadata.set('exception', exception);
  for (const [key, value] of Object.entries(extra)) metadata.set(key, value);
  return { code, details, metadata };
}

export function invalidArgument(details: string): StatusError {
  return new StatusError({ code: grpc.status.INVALID_ARGUMENT, details });
}

// ---------------------------------------------------------------------------
// UUIDs

const UUID_PATTERN = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

function formatUuidHex(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Reads either UUID encoding the protocol allows; `undefined` when absent or malformed. */
export function uuidFromProto(uuid: Uuid | undefined): string | undefined {
  if (uuid === undefined) return undefined;
  if (uuid.hasStructured()) {
    const structured = uuid.getStructured()!;
    const most = BigInt.asUintN(64, BigInt(structured.getMostSignificantBits()));
    const least = BigInt.asUintN(64, BigInt(structured.getLeastSignificantBits()));
    return formatUuidHex(most.toString(16).padStart(16, '0') + least.toString(16).padStart(16, '0'));
  }
  if (uuid.hasString()) {
    const text = uuid.getString().trim();
    if (!UUID_PATTERN.test(text)) return undefined;
    return formatUuidHex(text.replace(/-/g, '').toLowerCase());
  }
  return undefined;
}

export type UuidFormat = 'string' | 'structured';

/**
 * Writes a UUID in the format the reader asked for. Structured: the 16 bytes
 * big-endian, split into two signed 64-bit halves (Java's UUID layout).
 */
export function uuidToProto(id: string, format: UuidFormat): Uuid {
  const uuid = new sharedPb.UUID();
  if (format === 'string') {
    uuid.setString(id);
    return uuid;
  }
  const hex = id.replace(/-/g, '');
  const structured = new sharedPb.UUID.Structured();
  structured.setMostSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString(10));
  structured.setLeastSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)).toString(10));
  uuid.setStructured(structured);
  return uuid;
}

export function newSubscriptionId(): string {
  return randomUUID();
}

// ---------------------------------------------------------------------------
// Streams and events

export function streamNameOf(identifier: sharedPb.StreamIdentifier | undefined): string {
  if (identifier === undefined) throw invalidArgument('Stream identifier is missing.');
  const name = Buffer.from(identifier.getStreamName_asU8()).toString('utf8');
  if (name.length === 0) throw invalidArgument('Stream name is empty.');
  return name;
}

export function streamIdentifier(streamName: string): sharedPb.StreamIdentifier {
  const identifier = new sharedPb.StreamIdentifier();
  identifier.setStreamName(Buffer.from(streamName, 'utf8'));
  return identifier;
}

const REQUIRED_METADATA = ['type', 'content-type'] as const;

/** A proposed message as the server accepts it: id, "type" and "content-type" are required. */
export function proposedEventOf(
  message: streamsPb.AppendReq.ProposedMessage | streamsPb.BatchAppendReq.ProposedMessage,
): ProposedEvent {
  const metadata = message.getMetadataMap();
  const missing = REQUIRED_METADATA.find((key) => !metadata.has(key));
  if (missing !== undefined) {
    // Server RpcExceptions.RequiredMetadataPropertyMissing: names the first missing key, lists all required ones.
    throw new StatusError(
      exceptionStatus(
        grpc.status.INVALID_ARGUMENT,
        `Required Metadata Property '${missing}' is missing`,
        'missing-required-metadata-property',
        { 'required-metadata-properties': REQUIRED_METADATA.join(',') },
      ),
    );
  }
  const id = uuidFromProto(message.getId());
  if (id === undefined) throw invalidArgument('Event id is not a valid UUID.');
  return {
    id,
    type: metadata.get('type') ?? '',
    contentType: metadata.get('content-type') ?? '',
    data: message.getData_asU8(),
    customMetadata: message.getCustomMetadata_asU8(),
  };
}

export function recordedEventResp(event: StoredEvent, format: UuidFormat): ReadResp {
  const recorded = new streamsPb.ReadResp.ReadEvent.RecordedEvent();
  recorded.setId(uuidToProto(event.id, format));
  recorded.setStreamIdentifier(streamIdentifier(event.streamName));
  recorded.setStreamRevision(event.revision.toString(10));
  recorded.setPreparePosition(event.position.toString(10));
  recorded.setCommitPosition(event.position.toString(10));
  const metadata = recorded.getMetadataMap();
  metadata.set('type', event.type);
  metadata.set('content-type', event.isJson ? 'application/json' : 'application/octet-stream');
  metadata.set('created', event.created.toString(10));
  recorded.setData(event.data);
  recorded.setCustomMetadata(event.customMetadata);

  const readEvent = new streamsPb.ReadResp.ReadEvent();
  readEvent.setEvent(recorded);
  readEvent.setCommitPosition(event.position.toString(10));
  const resp = new streamsPb.ReadResp();
  resp.setEvent(readEvent);
  return resp;
}

export function confirmationResp(subscriptionId: string): ReadResp {
  const confirmation = new streamsPb.ReadResp.SubscriptionConfirmation();
  confirmation.setSubscriptionId(subscriptionId);
  const resp = new streamsPb.ReadResp();
  resp.setConfirmation(confirmation);
  return resp;
}

export function caughtUpResp(): ReadResp {
  const resp = new streamsPb.ReadResp();
  resp.setCaughtUp(new streamsPb.ReadResp.CaughtUp());
  return resp;
}

export function checkpointResp(position: LogPosition): ReadResp {
  const checkpoint = new streamsPb.ReadResp.Checkpoint();
  checkpoint.setCommitPosition(position.commit.toString(10));
  checkpoint.setPreparePosition(position.prepare.toString(10));
  const resp = new streamsPb.ReadResp();
  resp.setCheckpoint(checkpoint);
  return resp;
}

export function streamNotFoundResp(streamName: string): ReadResp {
  const notFound = new streamsPb.ReadResp.StreamNotFound();
  notFound.setStreamIdentifier(streamIdentifier(streamName));
  const resp = new streamsPb.ReadResp();
  resp.setStreamNotFound(notFound);
  return resp;
}

// ---------------------------------------------------------------------------
// Filters

/** Default search window when the reader asks for `count` instead of `max` (the server's ReadBatchSize). */
export const DEFAULT_MAX_SEARCH_WINDOW = 32;

export interface EventFilter {
  readonly on: 'streamName' | 'eventType';
  readonly matches: (event: StoredEvent) => boolean;
  /** Events considered between two checkpoints: checkpointIntervalMultiplier × maxSearchWindow. */
  readonly checkpointInterval: number;
}

/** The server's EventFilter.Get: prefixes win over the regex when both are given. */
export function filterOf(options: streamsPb.ReadReq.Options): EventFilter | undefined {
  if (!options.hasFilter()) return undefined;
  const filter = options.getFilter()!;
  const on = filter.hasStreamIdentifier() ? 'streamName' : filter.hasEventType() ? 'eventType' : undefined;
  if (on === undefined) throw invalidArgument('Filter has neither a stream identifier nor an event type expression.');
  const expression = (on === 'streamName' ? filter.getStreamIdentifier() : filter.getEventType())!;
  const subject = on === 'streamName' ? (e: StoredEvent) => e.streamName : (e: StoredEvent) => e.type;

  let matches: (event: StoredEvent) => boolean;
  const prefixes = expression.getPrefixList();
  if (prefixes.length > 0) {
    matches = (event) => prefixes.some((prefix) => subject(event).startsWith(prefix));
  } else {
    let regex: RegExp;
    try {
      regex = new RegExp(expression.getRegex());
    } catch {
      throw invalidArgument(`Invalid filter regex: ${expression.getRegex()}`);
    }
    matches = (event) => regex.test(subject(event));
  }

  const maxSearchWindow = filter.hasMax() ? filter.getMax() : DEFAULT_MAX_SEARCH_WINDOW;
  const multiplier = filter.getCheckpointintervalmultiplier();
  if (maxSearchWindow <= 0 || multiplier <= 0) {
    throw invalidArgument('maxSearchWindow and checkpointIntervalMultiplier must be positive.');
  }
  return { on, matches, checkpointInterval: multiplier * maxSearchWindow };
}
