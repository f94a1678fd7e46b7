// npm run projections:rebuild: rebuilds every read model under DATA_DIR from
// the event store named by the environment (the server's own configuration),
// then exits. Stop the server first: one writer per read-models file.
import { ConfigError, loadConfig } from '../../config/config.js';
import { openEventStore } from '../../event-store/event-store.module.js';
import { readModelsPath } from '../read-models.js';
import { rebuildProjections } from './rebuild-projections.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const file = readModelsPath(config.dataDir);
  const store = await openEventStore(config);
  try {
    process.stdout.write(`Rebuilding ${file} from the ${config.eventStore} event store...\n`);
    const results = await rebuildProjections(store, file, { log: (m) => process.stdout.write(`  ${m}\n`) });
    // One read of the store fed them all (issue 27): the time is that read's, shared.
    const seconds = results[0]?.seconds ?? 0;
    for (const r of results) {
      process.stdout.write(
        `${r.projection} (${r.version}): ${r.events} events folded, to position ${r.position ?? '-'}\n`,
      );
    }
    process.stdout.write(`${results.length} projections from one read of the store in ${seconds.toFixed(2)} s\n`);
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
