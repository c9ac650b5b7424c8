import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Which node binaries a run measures. The headline tables are Node 24's; the second table is
 * Node 20's. A binary comes from an environment variable (NODE24, NODE20: CI sets NODE24),
 * else the node running the benchmark when it has that major version, else the first
 * `node24`, `node-24` or `node` on PATH that answers `--version` with it.
 */

export interface NodeBinary {
  path: string;
  /** As `node --version` prints it: v24.22.3. */
  version: string;
  major: number;
}

export interface NodeLookup {
  /** The binary found, or undefined when none of that major version exists here. */
  found?: NodeBinary;
  /** Where it came from, or why it was not used: said in the report. */
  how: string;
}

/** `<binary> --version`, or undefined when it does not run. */
export function versionOf(binary: string): string | undefined {
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  const version = result.status === 0 ? result.stdout.trim() : '';
  return /^v\d+\./.test(version) ? version : undefined;
}

function binaryAt(file: string): NodeBinary | undefined {
  const version = versionOf(file);
  return version === undefined ? undefined : { path: file, version, major: Number(version.slice(1).split('.')[0]) };
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export function findNode(major: number, environment: NodeJS.ProcessEnv = process.env, current: string = process.execPath): NodeLookup {
  const variable = `NODE${major}`;
  const named = environment[variable];
  if (named !== undefined && named !== '') {
    const binary = binaryAt(named);
    if (binary === undefined) return { how: `${variable}=${named} does not run` };
    return binary.major === major ? { found: binary, how: `${variable}` } : { how: `${variable}=${named} is node ${binary.version}, not ${major}` };
  }
  const running = binaryAt(current);
  if (running?.major === major) return { found: running, how: 'the node running the benchmark' };
  for (const dir of (environment.PATH ?? '').split(path.delimiter).filter((entry) => entry !== '')) {
    for (const name of [`node${major}`, `node-${major}`, 'node']) {
      const file = path.join(dir, name);
      if (!isExecutable(file)) continue;
      const binary = binaryAt(file);
      if (binary?.major === major) return { found: binary, how: `PATH (${file})` };
    }
  }
  return { how: `no node ${major} found (${variable} unset, none on PATH)` };
}

/** The node running the benchmark, as a fallback lane. */
export function currentNode(): NodeBinary {
  return { path: process.execPath, version: process.version, major: Number(process.versions.node.split('.')[0]) };
}
