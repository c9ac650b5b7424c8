/**
 * The tarball a user gets: `npm pack` (whose prepack runs `npm run build`) on a snapshot of
 * this checkout. Not in the checkout itself: the build starts with `rm -rf dist`, and other
 * jest runs, specs and engineers use this checkout at the same time; a snapshot also keeps
 * the `npm pack` that @arethetypeswrong/cli runs from rebuilding anyone's dist/.
 */
import { cpSync, symlinkSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { consumerEnvironment, mustRun } from './processes.js';

export const ROOT = resolve(__dirname, '../../..');

/** What the build and the tools make or bring, not part of the sources (.gitignore's folders). */
const NOT_COPIED = new Set(['node_modules', '.git', 'dist', '.build', 'coverage']);

export interface PackedFile {
  path: string;
}

export interface Packed {
  /** The snapshot `npm pack` ran in, with the build it made in dist/. */
  checkout: string;
  /** Absolute path of the .tgz. */
  tarball: string;
  /** `npm pack --json`'s list of the files in the tarball. */
  files: string[];
}

/** Copies the checkout's sources to `destination` and links its node_modules (TypeScript, @types/node for the build). */
export function snapshotCheckout(destination: string): string {
  cpSync(ROOT, destination, {
    recursive: true,
    filter: (source) => !NOT_COPIED.has(basename(source)) && !source.endsWith('.tgz'),
  });
  symlinkSync(join(ROOT, 'node_modules'), join(destination, 'node_modules'), 'dir');
  return destination;
}

/** `npm pack` in a snapshot of the checkout, the tarball written to `workDir`. */
export async function packCheckout(workDir: string): Promise<Packed> {
  const checkout = snapshotCheckout(join(workDir, 'checkout'));
  const stdout = await mustRun('npm', ['pack', '--json', '--pack-destination', workDir], {
    cwd: checkout,
    env: consumerEnvironment(process.execPath),
    timeoutMs: 180_000,
  });
  // npm prints the prepack script's banner before the JSON when its log goes to stdout.
  const listing = JSON.parse(stdout.slice(stdout.search(/^\[/m))) as { filename: string; files: PackedFile[] }[];
  return { checkout, tarball: join(workDir, listing[0].filename), files: listing[0].files.map((file) => file.path) };
}
