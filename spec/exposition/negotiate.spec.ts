import { acceptsGzip, contentTypeOf, negotiateExposition, negotiateFormat, PROTOBUF_CONTENT_TYPE } from '../../lib/exposition/negotiate';
import { PROMETHEUS_PROTOBUF_ACCEPT } from './http-client';

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

describe('negotiateFormat: the protobuf format, asked for by name only', () => {
  test.each([
    // what Prometheus 2.42 sends with --enable-feature=native-histograms (scrapeAcceptHeaderWithProtobuf in scrape/scrape.go)
    [PROMETHEUS_PROTOBUF_ACCEPT, 'protobuf'],
    // what Prometheus 3 sends with scrape_native_histograms (acceptHeader over DefaultProtoFirstScrapeProtocols)
    [
      'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6,application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1',
      'protobuf',
    ],
    ['application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited', 'protobuf'],
    ['application/openmetrics-text;version=1.0.0,application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited', 'openmetrics'],
    ['application/openmetrics-text;q=0.5,application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.8', 'protobuf'],
    // the text and compact-text protobuf encodings, another message, no parameters: not served
    ['application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=text', 'text'],
    ['application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=compact-text,application/openmetrics-text;q=0.5', 'openmetrics'],
    ['application/vnd.google.protobuf;proto=other.Message;encoding=delimited', 'text'],
    ['application/vnd.google.protobuf', 'text'],
    ['application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0', 'text'],
  ])('Accept %p gives %p', (accept, format) => {
    expect(negotiateFormat(accept)).toBe(format);
  });

  test('where protobuf is not offered (renderMetrics), the next range wins', () => {
    expect(negotiateFormat(PROMETHEUS_PROTOBUF_ACCEPT, ['text', 'openmetrics'])).toBe('openmetrics');
  });

  test('its Content-Type, with the escaping a Prometheus 3 scraper asked for', () => {
    expect(contentTypeOf('protobuf')).toBe('application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited');
    expect(PROTOBUF_CONTENT_TYPE).toBe(contentTypeOf('protobuf'));
    expect(negotiateExposition('application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;escaping=underscores')).toEqual({
      format: 'protobuf',
      escaping: 'underscores',
    });
    expect(contentTypeOf('protobuf', 'underscores')).toBe('application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited; escaping=underscores');
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
