/**
 * What a user gets from `npm pack`, installed into fresh apps in a temp folder. One pack and
 * two installs here (an app with both clients, one with none; the one-client apps are copies)
 * serve every suite below, each in its own file of spec/package; the Quickstart makes its own
 * project with its own two `npm install` lines:
 *
 * - tarball-contents.ts: the files, the manifest, the clients as optional peers;
 * - client-choice.ts: which client's register the metrics reach, with one client, both, none;
 * - module-formats.ts: require() and import() in one process share one set of classes;
 * - entry-points.ts: what the root loads, the subpath entry points;
 * - package-lint.ts: publint and @arethetypeswrong/cli;
 * - command-line.ts: the installed `prom-decorators` command on an ESM entry;
 * - readme-quickstart.ts: the README's Quickstart, run as written with TypeScript 7.
 *
 * Consumer apps run without jest's PROM_DECORATORS_CLIENT (support/processes.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeClientChoice } from './client-choice.js';
import { describeCommandLine } from './command-line.js';
import { describeEntryPoints } from './entry-points.js';
import { describeModuleFormats } from './module-formats.js';
import { describePackageLint } from './package-lint.js';
import { describeReadmeQuickstart } from './readme-quickstart.js';
import { CLIENT_PACKAGES, deriveApp, installApp, type ClientPackage } from './support/consumer-apps.js';
import type { PackageUnderTest } from './support/package-under-test.js';
import { packCheckout } from './support/packed-package.js';
import { describeTarballContents } from './tarball-contents.js';

jest.setTimeout(60_000);

const subject = {} as PackageUnderTest;

beforeAll(async () => {
  subject.workDir = mkdtempSync(join(tmpdir(), 'prom-decorators-package-'));
  subject.packed = await packCheckout(subject.workDir);
  // Each client in the range the package declares for it.
  const { peerDependencies } = JSON.parse(readFileSync(join(subject.packed.checkout, 'package.json'), 'utf8')) as { peerDependencies: Record<ClientPackage, string> };
  const [both, none] = await Promise.all([
    installApp(subject.workDir, 'both-clients', subject.packed.tarball, CLIENT_PACKAGES.map((name) => `${name}@${peerDependencies[name]}`)),
    installApp(subject.workDir, 'no-client', subject.packed.tarball, []),
  ]);
  subject.apps = {
    'both clients': both,
    'no client': none,
    '@prometheus-io/client': deriveApp(both, 'only-prometheus-io-client', ['prom-client']),
    'prom-client': deriveApp(both, 'only-prom-client', ['@prometheus-io/client']),
  };
}, 420_000);

afterAll(() => {
  if (subject.workDir !== undefined) rmSync(subject.workDir, { recursive: true, force: true });
});

describeTarballContents(subject);
describeClientChoice(subject);
describeModuleFormats(subject);
describeEntryPoints(subject);
describePackageLint(subject);
describeCommandLine(subject);
describeReadmeQuickstart(subject);
