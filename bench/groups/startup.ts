import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { runAsGroup, groupOptions } from '../support/group-main.js';
import { spreadOf, type Spread } from '../support/stats.js';

/**
 * Startup: how long `require` and `import` of the root entry point take in a fresh process,
 * against the Prometheus client alone (which the entry loads too), and what the entry pulls
 * in. Every sample is its own process (same node, same flags as this group), started in
 * turn for each case so a burst of load elsewhere lands on all of them alike.
 */

export interface StartupOptions {
  samples: number;
  /** The compiled CommonJS entry, `<tree>/lib/index.js`: what `require('prom-decorators')` loads. */
  requireEntry: string;
  /** The ES module entry (an ESM build of lib/): what `import 'prom-decorators'` loads. */
  importEntry: string;
  /** What importEntry is, for the report. */
  importBuild: string;
  /** The client package the entry writes to (the lane's). */
  client: string;
}

export interface StartupCase {
  id: 'client:require' | 'ours:require' | 'client:import' | 'ours:import';
  ms: Spread;
}

export interface ProbeAnswer {
  ms: number;
  ourModules: string[];
  packages: string[];
  builtinsByOurs: string[];
  builtinsByOthers: string[];
}

export interface StartupResult {
  samples: number;
  importBuild: string;
  cases: StartupCase[];
  /** What `require` of the root entry loaded (from one of its samples). */
  loads: Omit<ProbeAnswer, 'ms'>;
}

const PROBE = path.join(__dirname, '..', 'support', 'startup-probe.js');

function probe(mode: 'require' | 'import', target: string, oursDir: string): ProbeAnswer {
  // No --expose-gc: the probes are plain programs; the heap flags stay what this group got.
  const flags = process.execArgv.filter((flag) => flag !== '--expose-gc');
  const result = spawnSync(process.execPath, [...flags, PROBE, mode, target, `--ours=${oursDir}`], { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`startup probe ${mode} ${target} failed (${result.status ?? result.signal}):\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as ProbeAnswer;
}

async function measure(options: StartupOptions): Promise<StartupResult> {
  const oursDir = path.dirname(options.requireEntry);
  const cases: { id: StartupCase['id']; mode: 'require' | 'import'; target: string }[] = [
    { id: 'client:require', mode: 'require', target: options.client },
    { id: 'ours:require', mode: 'require', target: options.requireEntry },
    { id: 'client:import', mode: 'import', target: options.client },
    { id: 'ours:import', mode: 'import', target: options.importEntry },
  ];
  const times = new Map<string, number[]>(cases.map((entry) => [entry.id, []]));
  let loads: ProbeAnswer | undefined;
  for (let sample = 0; sample < options.samples; sample++) {
    for (let i = 0; i < cases.length; i++) {
      const entry = cases[(i + sample) % cases.length];
      const answer = probe(entry.mode, entry.target, oursDir);
      times.get(entry.id)!.push(answer.ms);
      if (entry.id === 'ours:require') loads = answer;
    }
  }
  const { ourModules, packages, builtinsByOurs, builtinsByOthers } = loads!;
  return {
    samples: options.samples,
    importBuild: options.importBuild,
    cases: cases.map(({ id }) => ({ id, ms: spreadOf(times.get(id)!) })),
    loads: { ourModules, packages, builtinsByOurs, builtinsByOthers },
  };
}

if (require.main === module) runAsGroup(() => measure(groupOptions<StartupOptions>()));
