import { EndpointOptionsError } from '../../lib/errors.js';
import { checkAbsolutePath, checkOptionType, closestName, describeValue, rejectUnknownOptions, type OptionErrorFactory } from '../../lib/options-check.js';

/** lib/options-check.ts: the setup-time checks every adapter and endpoint shares, each throwing its caller's own error class. */
describe('options-check', () => {
  // An endpoint's error, to show the checks know nothing of the HTTP metrics.
  const endpointError: OptionErrorFactory = (option, problem, fix) => new EndpointOptionsError('honoMetrics()', option, problem, fix);
  const thrown = (check: () => void): EndpointOptionsError => {
    try {
      check();
    } catch (error) {
      return error as EndpointOptionsError;
    }
    throw new Error('expected a throw');
  };
  const known = ['registry', 'path', 'compression', 'maxConcurrentScrapes', 'timeoutSeconds', 'bearerToken'];

  test('an unknown option names the known one it is closest to, in the caller\'s error class', () => {
    const error = thrown(() => rejectUnknownOptions('honoMetrics()', { registry: 1, timeoutSecond: 5 }, known, endpointError));
    expect(error).toBeInstanceOf(EndpointOptionsError);
    expect(error).toMatchObject({ entryPoint: 'honoMetrics()', option: 'timeoutSecond' });
    expect(error.message).toBe('honoMetrics(): unknown option "timeoutSecond" (did you mean "timeoutSeconds"?). Rename it to "timeoutSeconds"');
    expect(thrown(() => rejectUnknownOptions('honoMetrics()', { tls: {} }, known, endpointError)).message).toBe(
      'honoMetrics(): unknown option "tls". Remove it; honoMetrics() takes registry, path, compression, maxConcurrentScrapes, timeoutSeconds, bearerToken',
    );
    expect(() => rejectUnknownOptions('honoMetrics()', { path: '/m', compression: false }, known, endpointError)).not.toThrow();
  });

  test('a near miss is another case or at most two edits, fewer for short names', () => {
    expect(closestName('PATH', known)).toBe('path');
    expect(closestName('compresion', known)).toBe('compression');
    expect(closestName('bearertokn', known)).toBe('bearerToken');
    expect(closestName('maxConcurentScrape', known)).toBe('maxConcurrentScrapes');
    expect(closestName('pth', known)).toBe('path');
    expect(closestName('tls', known)).toBeUndefined();
    expect(closestName('port', known)).toBeUndefined();
  });

  test('a value of the wrong type says what was expected and what came', () => {
    const check = (value: unknown, type: Parameters<typeof checkOptionType>[2]) => thrown(() => checkOptionType({ option: value }, 'option', type, endpointError, 'Fix it')).message;
    expect(check('yes', 'a boolean')).toBe('honoMetrics(): option must be a boolean, got the string "yes". Fix it');
    expect(check([1, '2'], 'an array of numbers')).toBe('honoMetrics(): option must be an array of numbers, got an array. Fix it');
    expect(check(null, 'a function')).toBe('honoMetrics(): option must be a function, got null. Fix it');
    expect(check([], 'an object')).toBe('honoMetrics(): option must be an object, got an array. Fix it');
    expect(check(NaN, 'a number')).toBe('honoMetrics(): option must be a number, got the number NaN. Fix it');
    expect(() => checkOptionType({}, 'option', 'a function', endpointError, 'Fix it')).not.toThrow();
    expect(() => checkOptionType({ option: ['a'] }, 'option', 'an array of strings', endpointError, 'Fix it')).not.toThrow();
  });

  test('a path must be a string that starts with /', () => {
    expect(thrown(() => checkAbsolutePath('metrics', 'path', endpointError, "Pass { path: '/metrics' }")).message).toBe(
      `honoMetrics(): path "metrics" is not an absolute path (it must start with "/"). Pass { path: '/metrics' }`,
    );
    expect(thrown(() => checkAbsolutePath(undefined, 'path', endpointError, "Pass { path: '/metrics' }")).message).toBe(`honoMetrics(): path must be a string, got undefined. Pass { path: '/metrics' }`);
    expect(() => checkAbsolutePath('/metrics', 'path', endpointError, '')).not.toThrow();
  });

  test('values are described briefly, long strings cut', () => {
    expect([describeValue('x'.repeat(50)), describeValue(3), describeValue(10n), describeValue(() => 1), describeValue(Symbol('s')), describeValue({})]).toEqual([
      `the string "${'x'.repeat(40)}…"`,
      'the number 3',
      'the bigint 10',
      'a function',
      'a symbol',
      'an object',
    ]);
  });
});
