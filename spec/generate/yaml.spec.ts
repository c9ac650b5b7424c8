import { parse } from 'yaml';
import { toYaml } from '../../lib/generate/yaml.js';

describe('toYaml', () => {
  it('writes nested maps and lists with every string double-quoted', () => {
    const value = { groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'x > 1', labels: { a: 'b' } }] }], empty: [], none: {} };
    expect(toYaml(value)).toBe(
      [
        'groups:',
        '  - name: "g"',
        '    rules:',
        '      - alert: "A"',
        '        expr: "x > 1"',
        '        labels:',
        '          a: "b"',
        'empty: []',
        'none: {}',
        '',
      ].join('\n'),
    );
  });

  it('reads back as the same value, with quotes, backslashes, newlines, templates and numbers', () => {
    const value = { a: 'say "hi"\\ {{ $value | humanize }}\nnext: line', b: 0.05, c: true, d: ['x', { e: '- not a list' }], f: '#not a comment' };
    expect(parse(toYaml(value))).toEqual(value);
  });

  it('leaves out undefined fields', () => {
    expect(toYaml({ a: 'x', b: undefined })).toBe('a: "x"\n');
  });
});
