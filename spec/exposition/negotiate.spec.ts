import { acceptsGzip, contentTypeOf, negotiateExposition, negotiateFormat } from '../../lib/exposition/negotiate';

describe('negotiateFormat', () => {
  test.each([
    [undefined, 'text'],
    ['', 'text'],
    ['*/*', 'text'],
    ['text/plain', 'text'],
    ['application/json', 'text'],
    ['garbage;;;,', 'text'],
    ['application/openmetrics-text', 'openmetrics'],
    ['application/openmetrics-text; version=1.0.0; charset=utf-8', 'openmetrics'],
    ['application/openmetrics-text;version=0.0.1', 'openmetrics'],
    ['application/openmetrics-text;version=2.0.0', 'text'],
    ['text/plain;version=0.0.4;q=0.5,application/openmetrics-text;version=1.0.0;q=0.9', 'openmetrics'],
    ['application/openmetrics-text;version=1.0.0;q=0.4,text/plain;version=0.0.4;q=0.5', 'text'],
    ['application/openmetrics-text;q=0,*/*', 'text'],
    // equal weights: the range listed first wins
    ['text/plain,application/openmetrics-text', 'text'],
    ['application/openmetrics-text,text/plain', 'openmetrics'],
    // what Prometheus 2.x sends
    ['application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1', 'openmetrics'],
  ])('Accept %p gives %p', (accept, format) => {
    expect(negotiateFormat(accept)).toBe(format);
  });
});

describe('negotiateExposition: the name escaping a Prometheus 3 scraper asks for', () => {
  test.each([
    [undefined, { format: 'text' }],
    ['application/openmetrics-text;version=1.0.0', { format: 'openmetrics' }],
    ['application/openmetrics-text;version=1.0.0;escaping=allow-utf-8', { format: 'openmetrics', escaping: 'allow-utf-8' }],
    ['application/openmetrics-text; version=1.0.0; escaping="underscores"', { format: 'openmetrics', escaping: 'underscores' }],
    ['text/plain;version=0.0.4;escaping=dots', { format: 'text', escaping: 'dots' }],
    ['application/openmetrics-text;escaping=values;q=0.9,text/plain;escaping=dots;q=0.5', { format: 'openmetrics', escaping: 'values' }],
    // the escaping of the range that won, not of another one
    ['application/openmetrics-text;escaping=values;q=0.4,text/plain;q=0.5', { format: 'text' }],
    // an unknown scheme is ignored; the format still counts
    ['application/openmetrics-text;version=1.0.0;escaping=rot13', { format: 'openmetrics' }],
    // what Prometheus 3 sends when it allows UTF-8 names
    [
      'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1',
      { format: 'openmetrics', escaping: 'allow-utf-8' },
    ],
  ])('Accept %p gives %p', (accept, negotiated) => {
    expect(negotiateExposition(accept)).toEqual(negotiated);
    expect(negotiateFormat(accept)).toBe(negotiated.format);
  });

  test('the Content-Type states the escaping, after the charset, as Go\'s expfmt writes it', () => {
    expect(contentTypeOf('openmetrics', 'allow-utf-8')).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=allow-utf-8');
    expect(contentTypeOf('text', 'underscores')).toBe('text/plain; version=0.0.4; charset=utf-8; escaping=underscores');
    expect(contentTypeOf('text')).toBe('text/plain; version=0.0.4; charset=utf-8');
  });
});

describe('acceptsGzip', () => {
  test.each([
    [undefined, false],
    ['', false],
    ['gzip', true],
    ['deflate, gzip;q=0.5', true],
    ['gzip;q=0', false],
    ['identity', false],
    ['*', true],
    ['*;q=0', false],
    ['gzip;q=0, *', false],
    ['br, *;q=0.1', true],
  ])('Accept-Encoding %p gives %p', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});
