/**
 * The wire vocabulary of the peer: the gRPC service definitions and protobuf
 * message classes that `@eventstore/db-client` v6 ships in its `generated/`
 * folder, so that what the peer puts on the wire is encoded by the very code
 * the client decodes it with.
 *
 * The generated files are CommonJS. They are loaded with default imports
 * (Node and jest both hand an ES module `module.exports` as the default
 * export of a CommonJS module); their `goog.object.extend(exports, …)` style
 * hides named exports from Node's CommonJS export detection, so named imports
 * would not work at run time.
 *
 * The well-known protobuf types (`google.protobuf.Any`, `google.protobuf.Empty`)
 * are required from where the generated code itself requires them, i.e. the
 * google-protobuf copy the client resolves, so the peer never depends on a
 * package of its own for them.
 */
import { createRequire } from 'node:module';

import serverFeaturesGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import serverFeaturesPb from '@eventstore/db-client/generated/serverfeatures_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import statusPb from '@eventstore/db-client/generated/status_pb.js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';

export { serverFeaturesGrpc, serverFeaturesPb, sharedPb, statusPb, streamsGrpc, streamsPb };

export type ReadReq = streamsPb.ReadReq;
export type ReadResp = streamsPb.ReadResp;
export type AppendReq = streamsPb.AppendReq;
export type AppendResp = streamsPb.AppendResp;
export type BatchAppendReq = streamsPb.BatchAppendReq;
export type BatchAppendResp = streamsPb.BatchAppendResp;
export type ProposedMessage = streamsPb.AppendReq.ProposedMessage | streamsPb.BatchAppendReq.ProposedMessage;
export type Uuid = sharedPb.UUID;
export type RpcStatus = statusPb.Status;

/** `google.protobuf.Empty`, typed as the generated setters expect it. */
export type WellKnownEmpty = NonNullable<Parameters<sharedPb.WrongExpectedVersion['setCurrentNoStream']>[0]>;
/** `google.protobuf.Any`, typed as the generated setters expect it. */
export type WellKnownAny = NonNullable<Parameters<statusPb.Status['setDetails']>[0]>;

interface AnyModule {
  Any: new () => WellKnownAny;
}
interface EmptyModule {
  Empty: new () => WellKnownEmpty;
}

const requireFromClient = createRequire(
  createRequire(import.meta.url).resolve('@eventstore/db-client/generated/status_pb.js'),
);
const anyModule = requireFromClient('google-protobuf/google/protobuf/any_pb.js') as AnyModule;
const emptyModule = requireFromClient('google-protobuf/google/protobuf/empty_pb.js') as EmptyModule;

export function wellKnownEmpty(): WellKnownEmpty {
  return new emptyModule.Empty();
}

/** Packs a message into `google.protobuf.Any` under `type.googleapis.com/<typeName>`. */
export function packAny(message: { serializeBinary(): Uint8Array }, typeName: string): WellKnownAny {
  const any = new anyModule.Any();
  any.pack(message.serializeBinary(), typeName);
  return any;
}
