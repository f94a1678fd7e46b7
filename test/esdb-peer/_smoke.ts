import { EventStoreDBClient, jsonEvent, START, FORWARDS, BACKWARDS, eventTypeFilter } from '@eventstore/db-client';
import { EsdbPeer } from './peer.js';
const peer = await EsdbPeer.start();
console.log(peer.connectionString);
const client = EventStoreDBClient.connectionString(peer.connectionString);
const r1 = await client.appendToStream('s-1', [jsonEvent({ type: 'A', data: { a: 1 } }), jsonEvent({ type: 'B', data: { b: 2 }, metadata: { m: 1 } })], { expectedRevision: 'no_stream' });
console.log('append', r1);
for await (const e of client.readStream('s-1')) console.log(e.event?.revision, e.event?.type, e.event?.data, e.event?.metadata, e.event?.position, e.event?.created, e.commitPosition);
for await (const e of client.readAll({ direction: BACKWARDS, fromPosition: 'end' })) console.log('all', e.event?.streamId, e.event?.position);
try { await client.appendToStream('s-1', jsonEvent({ type: 'A', data: {} }), { expectedRevision: 5n }); } catch (e) { console.log('err', (e as any).type, (e as any).expectedVersion, (e as any).actualVersion, (e as any).streamName); }
try { for await (const e of client.readStream('nope')) console.log(e); } catch (e) { console.log('nf', (e as any).type, (e as any).streamName); }
const sub = client.subscribeToAll({ fromPosition: START, filter: eventTypeFilter({ prefixes: ['A'], checkpointInterval: 1, maxSearchWindow: 1, checkpointReached: (_s, p) => { console.log('checkpoint', p); } }) as any });
sub.on('caughtUp', () => console.log('caughtUp'));
sub.on('confirmation', () => console.log('confirmation'));
sub.on('error', (e) => console.log('sub error', e));
let n = 0;
await new Promise<void>((resolve) => sub.on('data', (e) => { console.log('sub', e.event?.type, e.event?.revision); if (++n === 2) resolve(); setTimeout(() => client.appendToStream('s-2', jsonEvent({ type: 'Ax', data: {} })), 10); }));
peer.dropSubscriptions();
await new Promise((r) => setTimeout(r, 200));
await client.dispose();
await peer.stop();
process.exit(0);
