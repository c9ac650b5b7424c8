import { parseWithPython, promtoolCheck } from './consumers.js';

describe('the consumers the exposition specs check against', () => {
  test("the Python client's strict OpenMetrics parser reads a valid exposition and refuses a clashing name", () => {
    expect(parseWithPython('# TYPE jobs counter\njobs_total 2\n# EOF\n', 'openmetrics')).toEqual({
      ok: true,
      families: [{ name: 'jobs', type: 'counter', documentation: '', samples: [{ name: 'jobs_total', labels: {}, value: 2, exemplar: null }] }],
    });
    const clash = parseWithPython('# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_count 1\nh_sum 1\n# TYPE h_count gauge\nh_count 3\n# EOF\n', 'openmetrics');
    expect(clash.ok).toBe(false);
  });

  test('the text parser reads NaN as "nan"; promtool checks the text format', () => {
    expect(parseWithPython('# TYPE g gauge\ng NaN\n', 'text')).toEqual({
      ok: true,
      families: [{ name: 'g', type: 'gauge', documentation: '', samples: [{ name: 'g', labels: {}, value: 'nan', exemplar: null }] }],
    });
    expect(promtoolCheck('# HELP g A gauge.\n# TYPE g gauge\ng 1\n')).toEqual({ status: 0, output: '' });
  });
});
