/**
 * What pack.spec.ts's beforeAll makes once for every suite of spec/package: the tarball, and
 * the consumer apps installed from it. The suites read it inside their tests, after beforeAll.
 */
import type { ClientPackage } from './consumer-apps.js';
import type { Packed } from './packed-package.js';

export type AppName = ClientPackage | 'both clients' | 'no client';

export interface PackageUnderTest {
  /** The temp folder everything is made in, removed after the run. */
  workDir: string;
  packed: Packed;
  /** Consumer apps by the clients they have: only one of them, both, or none. */
  apps: Record<AppName, string>;
}
