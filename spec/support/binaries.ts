/**
 * The external programs some specs run, each from a Debian package that .ci/run installs.
 * A missing one must fail the spec with what to install: spawned blind, it only shows up
 * as a null exit status.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const DEBIAN_PACKAGES = {
  promtool: 'prometheus',
  prometheus: 'prometheus',
  'prometheus-pushgateway': 'prometheus-pushgateway',
  openssl: 'openssl',
  // Debian's own Python, which python3-prometheus-client installs into (a pyenv python3 on PATH would lack it).
  python3: 'python3-prometheus-client',
} as const;

export type ExternalBinary = keyof typeof DEBIAN_PACKAGES;

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The path of `name`: from its variable if set (PROMTOOL, PROMETHEUS, PROMETHEUS_PUSHGATEWAY,
 * OPENSSL, PYTHON3), else from PATH (never for python3), else Debian's /usr/bin. Throws naming the package when there is none.
 */
export function requireBinary(name: ExternalBinary): string {
  const variable = name.toUpperCase().replace(/-/g, '_');
  const override = process.env[variable];
  const onPath = name === 'python3' ? [] : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((folder) => join(folder, name));
  const candidates = override ? [override] : [...onPath, join('/usr/bin', name)];
  const path = candidates.find(isExecutable);
  if (path === undefined) {
    const debianPackage = DEBIAN_PACKAGES[name];
    const where = override ? `${variable}=${override} is not an executable` : 'not on PATH nor in /usr/bin';
    throw new Error(`${name} not found (${where}): install Debian's ${debianPackage} package (apt-get install ${debianPackage}), as .ci/run does`);
  }
  return path;
}
