import * as os from 'node:os';
import { clientName } from '../../lib/client/bridge.js';
import { requireFromLibrary } from '../../lib/client/require-from-library.cjs';

/** Where and when the numbers were taken: they only compare within one run on one machine. */
export interface Machine {
  cores: number;
  cpu: string;
  node: string;
  /** The Prometheus client both the library and the hand-written baselines use, with its version. */
  client: string;
  platform: string;
  date: string;
  /** 1-minute load average when the run started: other processes share these cores. */
  loadAtStart: number;
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    node: process.version,
    client: `${clientName} ${(requireFromLibrary(`${clientName}/package.json`) as { version: string }).version}`,
    platform: `${os.platform()} ${os.arch()}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    loadAtStart: os.loadavg()[0],
  };
}
