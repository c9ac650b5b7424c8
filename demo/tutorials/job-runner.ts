/**
 * The AYS jobs proof of concept (seeds/ays-jobs-poc.md): jobs counted and timed by status
 * (`ok`, `error`, `timeout`) and a gauge of the jobs running now.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Counted, CountExceptions, InProgress, LastCalled, Timed } from '../../lib/index.js';
import { counter, histogram } from './direct-metrics.js';
import { randomInt, type Random } from './random.js';

export const JOB_STATUSES = ['ok', 'error', 'timeout'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * `status` is the job's outcome, so these two are written by hand.
 * TODO(computed labels): @Counted / @Timed with `status` computed from the outcome.
 * The tutorial's `ays_job_latency_sec` is renamed to base units (`_seconds`), which
 * `promtool check metrics` asks for.
 */
const JOB_COUNT = counter({ name: 'ays_job_count_total', help: 'AYS job count', labelNames: ['status'] });
const JOB_LATENCY = histogram({ name: 'ays_job_latency_seconds', help: 'AYS job latency histogram', labelNames: ['status'] });

export class JobFailed extends Error {
  name = 'JobFailed';
}

export class JobTimeout extends Error {
  name = 'JobTimeout';
}

/** How long a job may run before it is cancelled. */
export const JOB_DEADLINE_MS = 250;

export class JobRunner {
  constructor(private readonly random: Random = Math.random) {
    for (const status of JOB_STATUSES) {
      JOB_COUNT.labels(status).inc(0);
      JOB_LATENCY.zero({ status });
    }
  }

  /** Runs one job: about 75% succeed, 15% fail and 10% run past the deadline. */
  @InProgress({ name: 'ays_job_running', help: 'AYS, number of job currently running' })
  @Counted() @Timed() @CountExceptions() @LastCalled({ on: 'success' })
  async execute(forced?: JobStatus): Promise<JobStatus> {
    const started = performance.now();
    const dice = this.random();
    const outcome: JobStatus = forced ?? (dice < 0.75 ? 'ok' : dice < 0.9 ? 'error' : 'timeout');
    try {
      if (outcome === 'timeout') {
        await sleep(JOB_DEADLINE_MS);
        throw new JobTimeout(`job cancelled after ${JOB_DEADLINE_MS} ms`);
      }
      await sleep(randomInt(this.random, 10, 200));
      if (outcome === 'error') throw new JobFailed('the job raised an error');
      return outcome;
    } finally {
      JOB_COUNT.labels(outcome).inc();
      JOB_LATENCY.labels(outcome).observe((performance.now() - started) / 1000);
    }
  }
}
