import type { AppLikeResult } from '../groups/app-like.js';
import type { EndpointResult } from '../groups/endpoint.js';
import type { MemoryResult } from '../groups/memory.js';
import type { MethodCallsResult } from '../groups/method-calls.js';
import type { StartupResult } from '../groups/startup.js';
import type { GroupAnswer } from './group-process.js';
import type { Machine } from './machine.js';

/** Everything one `npm run bench` measured: what bench/methods.ts collects and bench/support/report.ts renders. */

/** One node and one client: the headline lane (Node 24, @prometheus-io/client) or the second one (Node 20, prom-client 15). */
export interface LaneRun {
  /** The node version the lane was meant for (24 or 20). */
  intended: number;
  /** How its binary was found, or why another one ran instead. */
  how: string;
  /** Whether the binary is of the intended major version. */
  onIntended: boolean;
  sync: GroupAnswer<MethodCallsResult>;
  async: GroupAnswer<MethodCallsResult>;
  /** Sync runs with a single decorated method in the process (no other variant). */
  alone: GroupAnswer<MethodCallsResult>[];
  /** One entry per fresh process. */
  appLike: GroupAnswer<AppLikeResult>[];
  memory: GroupAnswer<MemoryResult>;
}

/** Hand-written five (and ours) in fresh processes under each candidate set of heap flags. */
export interface HeapFlagsCheck {
  flags: string[];
  /** Per process: median ns per call of hand-written five, and ours / hand-written. */
  processes: { handAll: number; oursAll: number; ratio: number }[];
}

export interface BenchRun {
  machine: Machine;
  quick: boolean;
  settings: string;
  seconds: number;
  heapFlags: string[];
  primary: LaneRun & {
    /** The OpenTelemetry SDK's variants, with the hand-written and our rows they are compared with, in processes of their own. */
    openTelemetry: { sync: GroupAnswer<MethodCallsResult>; async: GroupAnswer<MethodCallsResult> };
    endpoint: GroupAnswer<EndpointResult>[];
    startup: GroupAnswer<StartupResult>;
    heapFlagsCheck: HeapFlagsCheck[];
  };
  secondary: LaneRun;
}
