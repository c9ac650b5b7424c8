import { Registry } from './support/prometheus-client.js';
import { Counted, setLogger, type Logger } from '../lib/index';
import { logError, resetWarnings, warn, warnOnce } from '../lib/log';

afterEach(() => {
  setLogger(undefined);
  resetWarnings();
  jest.restoreAllMocks();
});

/** A logger that records what it gets, with or without an error method. */
function recordingLogger(withError = true): Logger & { warned: unknown[][]; errored: unknown[][] } {
  const warned: unknown[][] = [];
  const errored: unknown[][] = [];
  return {
    warned,
    errored,
    warn: (...args: unknown[]) => void warned.push(args),
    ...(withError && { error: (...args: unknown[]) => void errored.push(args) }),
  };
}

describe('setLogger: where the warnings go', () => {
  test('warnOnce reaches the installed logger once per key, with the prefixed message and the cause', () => {
    const logger = recordingLogger();
    setLogger(logger);
    const cause = new Error('label bug');
    warnOnce('key-a', 'recording failed', cause);
    warnOnce('key-a', 'recording failed', cause);
    warnOnce('key-b', 'another problem');
    expect(logger.warned).toEqual([['prom-decorators: recording failed', cause], ['prom-decorators: another problem']]);
    expect(logger.errored).toEqual([]);
  });

  test('warn reaches the logger every time', () => {
    const logger = recordingLogger();
    setLogger(logger);
    warn('scrape took long');
    warn('scrape took long');
    expect(logger.warned).toEqual([['prom-decorators: scrape took long'], ['prom-decorators: scrape took long']]);
  });

  test("logError goes to the logger's error, or to its warn when it has none", () => {
    const cause = new Error('conflict');
    const withError = recordingLogger();
    setLogger(withError);
    logError('@Counted on A.run: too late to throw', cause);
    expect(withError.errored).toEqual([['prom-decorators: @Counted on A.run: too late to throw', cause]]);
    expect(withError.warned).toEqual([]);

    const warnOnly = recordingLogger(false);
    setLogger(warnOnly);
    logError('@Counted on A.run: too late to throw');
    expect(warnOnly.warned).toEqual([['prom-decorators: @Counted on A.run: too late to throw']]);
  });

  test('a real recording failure in a decorated method reaches the installed logger', () => {
    const registry = new Registry();
    const logger = recordingLogger();
    setLogger(logger);
    const failure = new Error('label bug');
    class Service {
      @Counted({
        name: 'fragile',
        registry,
        labelNames: ['kind'],
        labelsFrom: () => {
          throw failure;
        },
      })
      compute(value: number): number {
        return value * 2;
      }
    }
    expect(new Service().compute(2)).toBe(4);
    expect(logger.warned).toEqual([['prom-decorators: recording @Counted on Service.compute failed; the call went on without it', failure]]);
  });

  test('undefined restores the console, read at call time', () => {
    setLogger(recordingLogger());
    setLogger(undefined);
    const consoleWarn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    warn('back on the console');
    logError('misuse found late');
    expect(consoleWarn.mock.calls).toEqual([['prom-decorators: back on the console']]);
    expect(consoleError.mock.calls).toEqual([['prom-decorators: misuse found late']]);
  });

  test('a logger that throws never breaks the call; the console hears about it once', () => {
    const consoleWarn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const broken = new Error('log sink is down');
    setLogger({
      warn: () => {
        throw broken;
      },
      error: () => {
        throw broken;
      },
    });
    expect(() => warn('first')).not.toThrow();
    expect(() => warnOnce('key', 'second')).not.toThrow();
    expect(() => logError('third')).not.toThrow();
    expect(consoleWarn.mock.calls).toEqual([['prom-decorators: the logger given to setLogger() threw (later failures are ignored) on: first', broken]]);
  });

  test('a console that throws does not break the call either', () => {
    jest.spyOn(console, 'warn').mockImplementation(() => {
      throw new Error('stdout closed');
    });
    expect(() => warn('nowhere to go')).not.toThrow();
  });

  test('the logger is shared through the store, so every copy of the library uses it', () => {
    const logger = recordingLogger();
    setLogger(logger);
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- jest.isolateModules is synchronous: only require() loads a fresh copy
      const otherCopy = require('../lib/log') as typeof import('../lib/log');
      otherCopy.warn('from another copy');
    });
    expect(logger.warned).toEqual([['prom-decorators: from another copy']]);
  });

  test('anything but an object with a warn function is refused with the fix', () => {
    const fix = 'Pass console, a pino or winston logger, or undefined to restore the console.';
    const expected = (got: string) => `setLogger(): expected an object with a warn(message, ...details) function (and optionally error), got ${got}. ${fix}`;
    expect(() => setLogger(null as unknown as Logger)).toThrow(new TypeError(expected('null')));
    expect(() => setLogger({} as Logger)).toThrow(expected('an object without a warn function'));
    expect(() => setLogger({ warn: () => undefined, error: 'loud' } as unknown as Logger)).toThrow(expected('an object whose error is not a function'));
    expect(() => setLogger('console' as unknown as Logger)).toThrow(expected('string "console"'));
    expect(() => setLogger(console.warn as unknown as Logger)).toThrow(expected('a function'));
    expect(() => setLogger(null as unknown as Logger)).toThrow(TypeError);
  });
});
