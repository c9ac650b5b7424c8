/**
 * The AYS jobs proof of concept, "Instrumenting a python application": jobs counted and
 * timed by status (`ok`, `error`, `timeout`) and a gauge of the jobs running now.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Counted, CountExceptions, InProgress, LastCalled, Timed, type CallInfo } from '../../lib/index.js';
import { randomInt, type Random } from './random.js';

export const JOB_STATUSES = ['ok', 'error', 'timeout'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** The job's `status` label, computed from how the call ended. */
function jobStatus({ error }: CallInfo): { status: JobStatus } {
  return { status: error === undefined ? 'ok' : error instanceof JobTimeout ? 'timeout' : 'error' };
}

export class JobFailed extends Error {
  name = 'JobFailed';
}

export class JobTimeout extends Error {
  name = 'JobTimeout';
}

/** How long a job may run before it is cancelled. */
export const JOB_DEADLINE_MS = 250;

export class JobRunner {
  constructor(private readonly random: Random = Math.random) {}

  /**
   * Runs one job: about 75% succeed, 15% fail and 10% run past the deadline. The
   * tutorial's counter and histogram by status, its running gauge, and the default metrics.
   * (Its `ays_job_latency_sec` is renamed to base units, as `promtool check metrics` asks.)
   */
  @Counted({ name: 'ays_job_count', help: 'AYS job count', labelNames: ['status'], labelsFrom: jobStatus })
  @Timed({ name: 'ays_job_latency_seconds', help: 'AYS job latency histogram', labelNames: ['status'], labelsFrom: jobStatus })
  @InProgress({ name: 'ays_job_running', help: 'AYS, number of job currently running' })
  @Counted() @Timed() @CountExceptions() @LastCalled({ on: 'success' })
  async execute(forced?: JobStatus): Promise<JobStatus> {
    const dice = this.random();
    const outcome: JobStatus = forced ?? (dice < 0.75 ? 'ok' : dice < 0.9 ? 'error' : 'timeout');
    if (outcome === 'timeout') {
      await sleep(JOB_DEADLINE_MS);
      throw new JobTimeout(`job cancelled after ${JOB_DEADLINE_MS} ms`);
    }
    await sleep(randomInt(this.random, 10, 200));
    if (outcome === 'error') throw new JobFailed('the job raised an error');
    return outcome;
  }
}
