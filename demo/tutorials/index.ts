/**
 * Every decorated class of the demo, importable without starting anything: the CLI builds
 * the demo's dashboard and rules from this module.
 *   node .build/lib/cli.js dashboard .build/demo/tutorials/index.js
 */
export { ExampleApp, ExampleAppFailure, EXAMPLE_APP_BUCKETS, EXAMPLE_APP_FAILURE_RATIO } from './example-app.js';
export { TreeService, TreeCounterEndpoint, TreeCountUnavailable } from './tree-counter.js';
export { Pages, NumberList, NotInList, GitHubClient, REPOSITORY_BUCKETS, setApplicationInfo, setApplicationState, APPLICATION_STATES } from './flask-app.js';
export { EchoServer, EchoFailure } from './echo-server.js';
export { JobRunner, JobFailed, JobTimeout, JOB_STATUSES, JOB_DEADLINE_MS, type JobStatus } from './job-runner.js';
export type { Random } from './random.js';
