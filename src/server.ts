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

// `on`, not `once`: a signal often comes twice (Ctrl-C reaches the whole process group, and
// `npm start` forwards it to node as well), and the second must not kill the process before the
// requests in flight have finished; SHUTDOWN_GRACE_MS bounds the stop either way.
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

/** Why listening failed, in one line that names the setting to change; undefined for an unforeseen error. */
function listenFailure(err: NodeJS.ErrnoException, { host, port }: Config): string | undefined {
  switch (err.code) {
    case 'EADDRINUSE':
      return `port ${port} is in use on ${host}: set PORT to another port, or stop the process that holds it`;
    case 'EACCES':
      return `port ${port} on ${host} needs privileges this process does not have: set PORT to a port above 1023, or run where binding it is allowed`;
    case 'EADDRNOTAVAIL':
      return `HOST ${host} is not an address of this machine: set HOST to one of its addresses, or to 0.0.0.0 for all of them`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `HOST ${host} does not resolve to an address: set HOST to an IP address, or to a name this machine resolves`;
    default:
      return undefined;
  }
}

try {
  await app.listen({ port: config.port, host: config.host });
} catch (err) {
  const reason = listenFailure(err as NodeJS.ErrnoException, config);
  if (reason === undefined) app.log.error({ err }, 'could not start');
  // One line naming the setting to change, as for a bad setting: no stack trace.
  else console.error(`gradient-service: ${reason}`);
  process.exit(1);
}
