/**
 * The process: reads the environment, configures the logger, listens, and shuts down gracefully
 * on SIGTERM or SIGINT (readiness turns 503, requests in flight finish, then the process exits).
 */
import { buildApp } from './app.js';
import { type Config, appOptions, loadConfig } from './config.js';

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (e) {
    // One line naming the bad setting, not a stack trace.
    console.error(`gradient-service: ${(e as Error).message}`);
    process.exit(1);
  }
}

const config = configOrExit();
let shuttingDown = false;

const app = await buildApp({ ...appOptions(config), isReady: () => !shuttingDown });

async function shutdown(signal: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  app.log.info({ signal }, 'shutting down');
  const timer = setTimeout(() => {
    app.log.error('requests in flight did not finish in time; exiting');
    process.exit(1);
  }, config.shutdownGraceMs);
  timer.unref();
  await app.close();
  process.exit(0);
}

process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));

try {
  await app.listen({ port: config.port, host: config.host });
} catch (err) {
  app.log.error({ err }, 'could not start');
  process.exit(1);
}
