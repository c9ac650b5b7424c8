/**
 * The `prom-decorators` command as installed: node_modules/.bin/prom-decorators, run by its
 * shebang, on an ES module with top-level await (fixtures/consumer/entry-with-top-level-await.mjs),
 * which it can only load because it uses import().
 */
import { join } from 'node:path';
import type { PackageUnderTest } from './support/package-under-test.js';
import { consumerEnvironment, run } from './support/processes.js';

/** The rules of Checkout.pay, decorated with @Counted() and @LastCalled(). */
const CHECKOUT_RULES = `groups:
  - name: "prom-decorators-recording"
    rules:
      - record: "job_class_method_result:method_calls:rate5m"
        expr: "sum by (job, class, method, result) (rate(method_calls_total[5m]))"
  - name: "prom-decorators-alerts"
    rules:
      - alert: "MethodHighErrorRatio"
        expr: "sum(rate(method_calls_total{class=\\"Checkout\\",method=\\"pay\\",result=\\"error\\"}[5m])) / sum(rate(method_calls_total{class=\\"Checkout\\",method=\\"pay\\"}[5m])) > 0.05"
        for: "5m"
        labels:
          severity: "warning"
          class: "Checkout"
          method: "pay"
        annotations:
          summary: "Checkout.pay fails more than 5% of its calls"
          description: "Checkout.pay error ratio is {{ $value | humanizePercentage }} over 5m."
      - alert: "MethodNotCalledRecently"
        expr: "time() - max(method_last_called_timestamp_seconds{class=\\"Checkout\\",method=\\"pay\\"} > 0) > 3600"
        labels:
          severity: "warning"
          class: "Checkout"
          method: "pay"
        annotations:
          summary: "Checkout.pay has not been called for more than 3600s"
          description: "Checkout.pay last ran {{ $value | humanizeDuration }} ago."
`;

export function describeCommandLine(subject: PackageUnderTest): void {
  describe('the installed prom-decorators command', () => {
    test('prints the rules of the classes an ESM entry with top-level await decorates', async () => {
      const app = subject.apps['@prometheus-io/client'];
      const result = await run(join(app, 'node_modules/.bin/prom-decorators'), ['rules', 'entry-with-top-level-await.mjs'], {
        cwd: app,
        env: consumerEnvironment(process.execPath),
        timeoutMs: 30_000,
      });
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
      expect(result.stdout).toBe(CHECKOUT_RULES);
    });
  });
}
