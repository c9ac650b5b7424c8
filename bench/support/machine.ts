import * as os from 'node:os';

/** Where and when the numbers were taken: they only compare within one run on one machine. */
export interface Machine {
  cores: number;
  cpu: string;
  node: string;
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
    platform: `${os.platform()} ${os.arch()}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    loadAtStart: os.loadavg()[0],
  };
}
