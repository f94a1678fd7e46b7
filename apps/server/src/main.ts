import { ConfigError, loadConfig } from './config/config.js';
import { createApp } from './app.js';

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
  const app = await createApp(config);
  await app.listen(config.port);
  process.stdout.write(
    `Émargement listening on http://localhost:${config.port} (event store: ${config.eventStore}, data: ${config.dataDir})\n`,
  );
}

void main();
