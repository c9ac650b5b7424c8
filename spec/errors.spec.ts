import { Registry } from './support/prometheus-client.js';
import {
  DecoratorMisuseError,
  EndpointOptionsError,
  Enum,
  HttpMetricsOptionsError,
  Info,
  MetricOptionsError,
  PromDecoratorsError,
  Timed,
  exposeMetrics,
  httpMetrics,
  metricsHandler,
  pushMetrics,
} from '../lib/index';

/** The error `run` throws, so a test can check its class and fields as well as its message. */
function thrownBy(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('one error vocabulary: where, problem, fix', () => {
  test('PromDecoratorsError builds "where: problem. fix" and keeps the three parts', () => {
    const error = new PromDecoratorsError('setup()', 'something is wrong', 'Do this instead.');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('PromDecoratorsError');
    expect({ where: error.where, problem: error.problem, fix: error.fix }).toEqual({ where: 'setup()', problem: 'something is wrong', fix: 'Do this instead.' });
    expect(error.message).toBe('setup(): something is wrong. Do this instead.');
  });

  test('DecoratorMisuseError: where is "@decorator on place"', () => {
    const error = new DecoratorMisuseError('Timed', 'UserService.find', 'metric name "user-find" is invalid', 'Pass { name: "user_find" }');
    expect(error).toBeInstanceOf(PromDecoratorsError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('DecoratorMisuseError');
    expect({ decorator: error.decorator, place: error.place }).toEqual({ decorator: 'Timed', place: 'UserService.find' });
    expect({ where: error.where, problem: error.problem, fix: error.fix }).toEqual({
      where: '@Timed on UserService.find',
      problem: 'metric name "user-find" is invalid',
      fix: 'Pass { name: "user_find" }',
    });
    expect(error.message).toBe('@Timed on UserService.find: metric name "user-find" is invalid. Pass { name: "user_find" }');
  });

  test('HttpMetricsOptionsError: where is `adapter: option "name"`', () => {
    const error = new HttpMetricsOptionsError('httpMetrics()', 'buckets', 'buckets must be a non-empty array of numbers', 'Pass [0.1, 1]');
    expect(error).toBeInstanceOf(PromDecoratorsError);
    expect(error.name).toBe('HttpMetricsOptionsError');
    expect({ adapter: error.adapter, option: error.option, where: error.where, problem: error.problem, fix: error.fix }).toEqual({
      adapter: 'httpMetrics()',
      option: 'buckets',
      where: 'httpMetrics(): option "buckets"',
      problem: 'buckets must be a non-empty array of numbers',
      fix: 'Pass [0.1, 1]',
    });
    expect(error.message).toBe('httpMetrics(): option "buckets": buckets must be a non-empty array of numbers. Pass [0.1, 1]');
  });

  test('EndpointOptionsError: where is the entry point; the option is a field, when there is one', () => {
    const error = new EndpointOptionsError('pushMetrics()', 'job', 'job must be a non-empty string', "Pass { url, job: 'my_job' }.");
    expect(error).toBeInstanceOf(PromDecoratorsError);
    expect(error.name).toBe('EndpointOptionsError');
    expect({ entryPoint: error.entryPoint, option: error.option, where: error.where, problem: error.problem, fix: error.fix }).toEqual({
      entryPoint: 'pushMetrics()',
      option: 'job',
      where: 'pushMetrics()',
      problem: 'job must be a non-empty string',
      fix: "Pass { url, job: 'my_job' }.",
    });
    expect(error.message).toBe("pushMetrics(): job must be a non-empty string. Pass { url, job: 'my_job' }.");
    expect(new EndpointOptionsError('clusterWorkerMetrics()', undefined, 'not a worker', 'Call it in workers.').option).toBeUndefined();
  });

  test('MetricOptionsError: where is the kind, and the quoted name when it is known', () => {
    const named = new MetricOptionsError('Enum', 'application_state', '"paused" is not one of its states', 'Pass one of: starting, running.');
    expect(named).toBeInstanceOf(PromDecoratorsError);
    expect(named.name).toBe('MetricOptionsError');
    expect({ kind: named.kind, metric: named.metric, where: named.where }).toEqual({ kind: 'Enum', metric: 'application_state', where: 'Enum "application_state"' });
    expect(named.message).toBe('Enum "application_state": "paused" is not one of its states. Pass one of: starting, running.');
    const unnamed = new MetricOptionsError('Info', undefined, 'metric name "a-b" is invalid', 'Pass a name such as "application".');
    expect({ kind: unnamed.kind, metric: unnamed.metric, where: unnamed.where }).toEqual({ kind: 'Info', metric: undefined, where: 'Info' });
    expect(unnamed.message).toBe('Info: metric name "a-b" is invalid. Pass a name such as "application".');
  });

  test('a subclass of a subclass gets its own name', () => {
    class CustomMisuse extends DecoratorMisuseError {}
    expect(new CustomMisuse('Counted', 'A.b', 'bad', 'Fix it').name).toBe('CustomMisuse');
  });
});

describe('what the API throws', () => {
  test('a decorator misuse, when the class is defined', () => {
    const registry = new Registry();
    const error = thrownBy(() => {
      class UserService {
        @Timed({ registry, name: 'user-find' }) find(): void {}
      }
      void UserService;
    });
    expect(error).toBeInstanceOf(DecoratorMisuseError);
    expect(error.message).toBe('@Timed on UserService.find: metric name "user-find" is invalid (it must match [a-zA-Z_:][a-zA-Z0-9_:]*). Pass { name: "user_find" }');
  });

  test('a bad expressHttpMetrics() option (httpMetrics is its old name), when the middleware is created', () => {
    const error = thrownBy(() => httpMetrics({ registry: new Registry(), buckets: [] }));
    expect(error).toBeInstanceOf(HttpMetricsOptionsError);
    expect(error).toMatchObject({ adapter: 'expressHttpMetrics()', option: 'buckets', where: 'expressHttpMetrics(): option "buckets"' });
    expect(error.message).toBe('expressHttpMetrics(): option "buckets": buckets must be a non-empty array of numbers. Pass increasing upper bounds in seconds, e.g. [0.01, 0.1, 1]');
  });

  test('a bad exposeMetrics() option rejects before anything listens', async () => {
    const error = await rejectionOf(exposeMetrics(0, { registry: new Registry(), tls: { key: 'key', cert: 'cert', requireClientCertificate: true } }));
    expect(error).toBeInstanceOf(EndpointOptionsError);
    expect(error).toMatchObject({ entryPoint: 'exposeMetrics()', option: 'tls.requireClientCertificate' });
    expect(error.message).toBe(
      'exposeMetrics(): tls.requireClientCertificate needs tls.ca, the CA that signs client certificates. Pass { tls: { key, cert, ca, requireClientCertificate: true } }.',
    );
  });

  test('a bad cluster option names the endpoint it was given to', () => {
    const error = thrownBy(() => metricsHandler({ registry: new Registry(), cluster: { workerTimeoutSeconds: 0 } }));
    expect(error).toBeInstanceOf(EndpointOptionsError);
    expect(error).toMatchObject({ entryPoint: 'metricsHandler()', option: 'cluster.workerTimeoutSeconds' });
    expect(error.message).toBe('metricsHandler(): cluster.workerTimeoutSeconds 0 must be above 0. Pass { cluster: { workerTimeoutSeconds: 3 } }.');
  });

  test('pushMetrics() with a URL that is not http(s)', async () => {
    const error = await rejectionOf(pushMetrics({ url: 'localhost:9091', job: 'nightly', registry: new Registry() }));
    expect(error).toBeInstanceOf(EndpointOptionsError);
    expect(error).toMatchObject({ entryPoint: 'pushMetrics()', option: 'url' });
    expect(error.message).toBe(`pushMetrics(): url "localhost:9091" must be an http(s) URL. Pass { url: 'http://localhost:9091', job: 'my_job' }.`);
  });

  test('Info with an invalid name, and with an invalid label', () => {
    const registry = new Registry();
    const badName = thrownBy(() => new Info({ name: 'my-app', registry }));
    expect(badName).toBeInstanceOf(MetricOptionsError);
    expect(badName).toMatchObject({ kind: 'Info', metric: undefined, where: 'Info' });
    expect(badName.message).toBe('Info: metric name "my-app" is invalid (it must match [a-zA-Z_:][a-zA-Z0-9_:]*). Pass a name such as "application".');
    const info = new Info({ name: 'application', registry });
    expect(() => info.set({ 'build-version': '1.2.3' })).toThrow(
      new MetricOptionsError('Info', 'application_info', 'label name "build-version" is invalid (it must match [a-zA-Z_][a-zA-Z0-9_]*)', "Rename the key, e.g. { version: '1.2.3' }."),
    );
    expect(thrownBy(() => info.set({ le: '1' })).message).toBe(
      `Info "application_info": label name "le" is reserved (histograms and summaries use it). Rename the key, e.g. { version: '1.2.3' }.`,
    );
  });

  test('Enum.state with an undeclared state, and Enum with repeated states', () => {
    const registry = new Registry();
    const state = new Enum({ name: 'application_state', states: ['starting', 'running', 'stopped'], registry });
    const error = thrownBy(() => state.state('paused' as 'running'));
    expect(error).toBeInstanceOf(MetricOptionsError);
    expect(error).toMatchObject({ kind: 'Enum', metric: 'application_state', where: 'Enum "application_state"' });
    expect(error.message).toBe('Enum "application_state": "paused" is not one of its states. Pass one of: starting, running, stopped.');
    expect(thrownBy(() => new Enum({ name: 'phase', states: ['a', 'a'], registry })).message).toBe(
      `Enum "phase": states must be a non-empty list without repeats. Pass every state once, e.g. states: ['starting', 'running', 'stopped'].`,
    );
    expect(thrownBy(() => new Enum({ name: 'phase', states: ['a', 'b'], initial: 'c' as 'a', registry })).message).toBe(
      'Enum "phase": "c" is not one of its states. Pass one of: a, b.',
    );
  });
});
