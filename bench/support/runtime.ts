import * as fs from 'node:fs';
import * as path from 'node:path';
import { clientName } from '../../lib/client/bridge.js';
import { requireFromLibrary } from '../../lib/client/require-from-library.cjs';

/** What a group process ran on: its node and the Prometheus client the library chose there. */
export interface Runtime {
  node: string;
  /** Package name and version, as `@prometheus-io/client 0.16.1`. */
  client: string;
  /** The V8 flags the process was started with (the heap flags among them). */
  execArgv: string[];
  /** `@opentelemetry/sdk-metrics` and `@opentelemetry/exporter-prometheus` versions. */
  openTelemetry: string;
}

/** Only in group processes: loading the bridge picks the client from PROM_DECORATORS_CLIENT. */
export function describeRuntime(): Runtime {
  const { version } = requireFromLibrary(`${clientName}/package.json`) as { version: string };
  const versionOf = (name: string) => {
    // Not `${name}/package.json`: these packages' exports do not list it.
    const entry = requireFromLibrary.resolve(name);
    const manifest = path.join(entry.slice(0, entry.lastIndexOf(`${path.sep}node_modules${path.sep}${name}${path.sep}`)), 'node_modules', name, 'package.json');
    return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version;
  };
  const openTelemetry = `@opentelemetry/sdk-metrics ${versionOf('@opentelemetry/sdk-metrics')}, @opentelemetry/exporter-prometheus ${versionOf('@opentelemetry/exporter-prometheus')}`;
  return { node: process.version, client: `${clientName} ${version}`, execArgv: [...process.execArgv], openTelemetry };
}
