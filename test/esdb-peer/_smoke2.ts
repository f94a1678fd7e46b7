import { EventStoreDBClient, jsonEvent, START } from '@eventstore/db-client';
import { EsdbPeer } from './peer.js';
const peer = await EsdbPeer.start();
const client = EventStoreDBClient.connectionString(peer.connectionString);
await client.appendToStream('s-1', jsonEvent({ type: 'A', data: {} }));
const sub = client.subscribeToAll({ fromPosition: START });
const err = new Promise((r) => sub.on('error', (e) => r(e)));
await new Promise((r) => sub.once('caughtUp', r));
const t0 = Date.now();
await peer.stop();
const e: any = await err;
console.log('sub err after stop', e.type, e.code, e.message, Date.now() - t0);
try { await client.appendToStream('s-1', jsonEvent({ type: 'A', data: {} })); } catch (e: any) { console.log('append while stopped', e.type, e.message, Date.now() - t0); }
await peer.restart();
for (let i = 0; i < 50; i++) {
  try { const r = await client.appendToStream('s-1', jsonEvent({ type: 'A', data: {} })); console.log('after restart ok', i, r.nextExpectedRevision, Date.now() - t0); break; } catch (e: any) { console.log('after restart', i, e.type, e.message, Date.now() - t0); await new Promise((r) => setTimeout(r, 100)); }
}
peer.setUnavailable(true);
try { await client.appendToStream('s-1', jsonEvent({ type: 'A', data: {} })); } catch (e: any) { console.log('append while unavailable', e.type, e.message); }
try { for await (const x of client.readStream('s-1')) {} } catch (e: any) { console.log('read while unavailable', e.type, e.message); }
peer.setUnavailable(false);
const r = await client.appendToStream('s-1', jsonEvent({ type: 'A', data: {} })); console.log('after available', r.nextExpectedRevision, Date.now() - t0);
await client.dispose();
await peer.stop();
