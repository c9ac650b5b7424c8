import { requireBinary } from './binaries.js';

describe('requireBinary', () => {
  const saved = process.env.PROMTOOL;
  afterEach(() => {
    // Assigning undefined to process.env would store the string "undefined".
    if (saved === undefined) delete process.env.PROMTOOL;
    else process.env.PROMTOOL = saved;
  });

  test('takes the variable named after the binary when it is set', () => {
    process.env.PROMTOOL = process.execPath;
    expect(requireBinary('promtool')).toBe(process.execPath);
  });

  test('a missing binary fails with the Debian package that has it', () => {
    process.env.PROMTOOL = '/nonexistent/promtool';
    expect(() => requireBinary('promtool')).toThrowErrorMatchingInlineSnapshot(
      `"promtool not found (PROMTOOL=/nonexistent/promtool is not an executable): install Debian's prometheus package (apt-get install prometheus), as .ci/run does"`,
    );
  });
});
