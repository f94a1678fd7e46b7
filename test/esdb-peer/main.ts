/**
 * `npm run esdb:peer` (tsx test/esdb-peer/main.ts): runs the EventStoreDB test
 * peer on $PORT (2113 by default) and prints its connection string. A test
 * stand-in, never a database: data lives in memory and dies with the process.
 *
 * Environment: PORT, HOST (127.0.0.1), ESDB_PEER_FEATURES
 * ("supported-methods" | "unimplemented").
 */
import { EsdbPeer } from './peer.js';

const port = Number(process.env['PORT'] ?? 2113);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`Invalid PORT: ${process.env['PORT']}`);
  process.exit(2);
}
const features = process.env['ESDB_PEER_FEATURES'];
if (features !== undefined && features !== 'supported-methods' && features !== 'unimplemented') {
  console.error(`Invalid ESDB_PEER_FEATURES: ${features}`);
  process.exit(2);
}

const peer = await EsdbPeer.start({
  port,
  host: process.env['HOST'] ?? '127.0.0.1',
  ...(features === undefined ? {} : { serverFeatures: features }),
});
console.log(peer.connectionString);

let stopping = false;
const shutdown = (signal: NodeJS.Signals): void => {
  if (stopping) return;
  stopping = true;
  console.error(`${signal}: stopping the EventStoreDB test peer`);
  peer.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
