/**
 * The Prometheus client the library writes to (`@prometheus-io/client`, or `prom-client` 15
 * when that is what is installed or PROM_DECORATORS_CLIENT asks for it): the demo's few
 * hand-written metrics must share its global `register` with the decorators'. An app with
 * one client simply imports it: `import { Counter, register } from '@prometheus-io/client'`.
 */
import type * as Client from 'prom-client';
import { clientName } from '../lib/client/bridge.js';
import { requireFromLibrary } from '../lib/client/require-from-library.cjs';

export const { Counter, Gauge, register } = requireFromLibrary(clientName) as typeof Client;
export type Counter<T extends string = string> = Client.Counter<T>;
export type Gauge<T extends string = string> = Client.Gauge<T>;
export type { CounterConfiguration, GaugeConfiguration } from 'prom-client';
