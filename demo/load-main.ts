/** `npm run load`: drives a running demo with a progress bar, then prints a summary. */
import { formatSummary, runLoad } from './load.js';
import { LOAD_USAGE, parseLoadFlags, type LoadFlags } from './options.js';

async function main(): Promise<void> {
  let flags: LoadFlags;
  try {
    flags = parseLoadFlags(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${LOAD_USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (flags.help) {
    console.log(LOAD_USAGE);
    return;
  }
  const stop = new AbortController();
  process.on('SIGINT', () => {
    if (stop.signal.aborted) process.exit(130);
    stop.abort();
  });
  const what = flags.requests !== undefined ? `${flags.requests} requests` : `${flags.durationSeconds} s`;
  console.log(`load: ${what} against ${flags.url}, ${flags.concurrency} in flight (Ctrl-C stops early)`);
  const summary = await runLoad({
    target: flags.url,
    durationSeconds: flags.durationSeconds,
    requests: flags.requests,
    concurrency: flags.concurrency,
    progress: true,
    signal: stop.signal,
  });
  console.log(`\n${formatSummary(summary)}`);
  if (summary.requests > 0 && summary.byStatus.failed === summary.requests) {
    console.error(`No request got an answer: is the demo running at ${flags.url}? (npm run demo)`);
    process.exitCode = 1;
  }
}

void main();
