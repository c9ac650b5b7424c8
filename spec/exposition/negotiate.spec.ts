import { acceptsGzip, negotiateFormat } from '../../lib/exposition/negotiate';

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
