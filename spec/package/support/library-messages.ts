/**
 * What the library prints about its Prometheus client (lib/client/bridge.ts), word for word
 * as a user sees it: the specs pin the text, so a change to it is a decision, not an accident.
 */

/** On stderr, once per process, when the app has both clients and PROM_DECORATORS_CLIENT is unset. */
export const BOTH_INSTALLED_WARNING =
  "prom-decorators: both @prometheus-io/client and prom-client are installed; they keep separate registries. The decorators' metrics go to @prometheus-io/client's register: serve that one, pass { registry } explicitly, or set PROM_DECORATORS_CLIENT=prom-client to write to prom-client's register instead.";

/** The line of Node's report of the uncaught error that loading the library throws in an app with no client. */
export const NO_CLIENT_ERROR_LINE =
  'Error: prom-decorators needs a Prometheus client and found none. Install one next to it: `npm install @prometheus-io/client` (Node 22 or later) or `npm install prom-client@15`.';
