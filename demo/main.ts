/**
 * `npm run demo`: the one entry that starts servers. Serves the demo app and its metrics on
 * loopback, prints where to look, sends its own gentle traffic so the metrics move at once
 * (unless --no-load), and stops cleanly on Ctrl-C.
 */
import { formatBanner } from './banner.js';
import { formatSummary, runLoad, type LoadSummary } from './load.js';
import { DEMO_USAGE, parseDemoFlags, type DemoFlags } from './options.js';
import { startDemo, type RunningDemo } from './server.js';

async function main(): Promise<void> {
  let flags: DemoFlags;
  try {
    flags = parseDemoFlags(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${DEMO_USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (flags.help) {
    console.log(DEMO_USAGE);
    return;
  }

  let demo: RunningDemo;
  try {
    demo = await startDemo({ port: flags.port, metricsPort: flags.metricsPort, host: flags.host });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint = code === 'EADDRINUSE' ? ' (another demo still running? pick other ports with --port and --metrics-port)' : '';
    console.error(`demo: could not start: ${(error as Error).message}${hint}`);
    process.exitCode = 1;
    return;
  }

  const stopTraffic = new AbortController();
  // eslint-disable-next-line prefer-const -- stop() reads it even when it is never assigned (Ctrl-C before the traffic starts, or no traffic): a const at the assignment would throw there
  let traffic: Promise<LoadSummary> | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      console.error(`\n${signal} again: exiting now.`);
      process.exit(130);
    }
    stopping = true;
    // The traffic first, so the servers' closing is not counted as failed requests, and its
    // progress line is finished before the next line is printed.
    stopTraffic.abort();
    await traffic;
    console.log(`\n${signal}: stopping the demo...`);
    await demo.close();
    console.log('stopped.');
  };
  process.on('SIGINT', () => void stop('Ctrl-C'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // Only now: whoever reads the banner may press Ctrl-C at once, and must find the handlers.
  console.log(formatBanner(demo, flags.traffic));

  if (flags.traffic === undefined) return;
  traffic = runLoad({ target: demo.appUrl, ...flags.traffic, progress: true, signal: stopTraffic.signal });
  const summary = await traffic;
  if (stopping) return;
  console.log(`\nbuilt-in traffic finished (--duration ${flags.traffic.durationSeconds}): ${formatSummary(summary)}`);
  console.log(`The app keeps serving: ${demo.appUrl} (metrics ${demo.metricsUrl}). Ctrl-C stops it.`);
}

void main();
