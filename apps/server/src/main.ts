import { ConfigError, loadConfig } from './config/config.js';
import { createApp } from './app.js';
import { tlsSetupOf } from './tls/https.js';
import { startupNotes } from './tls/startup-notes.js';
import { createLogger, flushLog } from './logging/logger.js';
import { installFatalHandlers } from './logging/fatal.js';

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
  // Errors no caller can catch: one structured line, then exit 1 for the supervisor (logging/fatal.ts).
  installFatalHandlers(createLogger(config));
  let app;
  try {
    app = await createApp(config);
  } catch (error) {
    // What only a connection or a file's content can check (PERSONAL_KEYS_URL's database, CHARTER_SIGNING_P12) fails here.
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  await app.listen(config.port);
  // Start-up notes (and the generated organiser token, printed once) stay plain lines for the person starting
  // the server, outside the structured log: a secret has no place in a log collector.
  const { info, warnings } = startupNotes(config, tlsSetupOf(app), config.port);
  // The log is written asynchronously: what it holds goes out first, so the notes come after it.
  flushLog();
  for (const line of info) process.stdout.write(`${line}\n`);
  for (const line of warnings) process.stderr.write(`Warning: ${line}\n`);
}

void main();
