/**
 * `npm run demo`: the one entry that starts servers. Serves the demo app and its metrics,
 * prints where to look, optionally drives load, and stops cleanly on Ctrl-C.
 */
import { formatSummary, runLoad } from './load.js';
import { DEMO_USAGE, parseDemoFlags, type DemoFlags } from './options.js';
import { ROUTES } from './routes.js';
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
  console.log(banner(demo, flags));

  const stopLoad = new AbortController();
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      console.error(`\n${signal} again: exiting now.`);
      process.exit(130);
    }
    stopping = true;
    stopLoad.abort();
    console.log(`\n${signal}: stopping the demo...`);
    await demo.close();
    console.log('stopped.');
  };
  process.on('SIGINT', () => void stop('Ctrl-C'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  if (flags.load) {
    const summary = await runLoad({
      target: demo.appUrl,
      durationSeconds: flags.durationSeconds,
      concurrency: flags.concurrency,
      progress: true,
      signal: stopLoad.signal,
    });
    console.log(`\nload finished: ${formatSummary(summary)}`);
    if (!stopping) console.log(`The app keeps serving: ${demo.appUrl} (metrics ${demo.metricsUrl}). Ctrl-C stops it.`);
  }
}

function banner(demo: RunningDemo, flags: DemoFlags): string {
  const metricsHost = new URL(demo.metricsUrl).host;
  return [
    'prom-decorators demo: the tutorials of shared/seeds in one service',
    '',
    `  app       ${demo.appUrl}`,
    `  metrics   ${demo.metricsUrl}`,
    '',
    'Routes:',
    ...ROUTES.map(([verb, route, what]) => `  ${verb.padEnd(8)} ${route.padEnd(28)} ${what}`),
    '',
    'Look at:',
    `  curl -s ${demo.metricsUrl} | grep -E '^(example_app|method_|requests_total)'`,
    flags.load ? '  (the built-in load is running)' : '  npm run load                    drive every endpoint, in another terminal',
    `  prometheus --config.file=demo/prometheus.yml   scrapes ${metricsHost}; then http://localhost:9090`,
    '  rate(example_app_total[1m]), rate(example_app_exceptions_total[1m]) / rate(example_app_total[1m])',
    '',
    'Ctrl-C stops.',
  ].join('\n');
}

void main();
