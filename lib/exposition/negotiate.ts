/**
 * Content negotiation for a scrape: which exposition format the scraper prefers (from
 * `Accept`, q-weights respected: text, OpenMetrics or the protobuf format) and whether it
 * takes gzip (from `Accept-Encoding`).
 * Never refuses: a scraper that names nothing we serve gets the text format (a 406 breaks
 * scrapers such as Telegraf).
 */

export type ExpositionFormat = 'text' | 'openmetrics' | 'protobuf';

/** The formats written as text. */
export type TextExpositionFormat = Exclude<ExpositionFormat, 'protobuf'>;

/** Prometheus' text format 0.0.4, what every scraper understands. */
export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
/** OpenMetrics 1.0.0; the body ends with `# EOF`. */
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
/**
 * Length-delimited `io.prometheus.client.MetricFamily` messages: the only format that carries
 * native histograms, what Prometheus asks for first when they are enabled.
 */
export const PROTOBUF_CONTENT_TYPE = 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited';

const CONTENT_TYPES: Record<ExpositionFormat, string> = { text: TEXT_CONTENT_TYPE, openmetrics: OPENMETRICS_CONTENT_TYPE, protobuf: PROTOBUF_CONTENT_TYPE };
const EVERY_FORMAT: readonly ExpositionFormat[] = ['text', 'openmetrics', 'protobuf'];

/**
 * The name escaping a Prometheus 3 / OpenMetrics 2.0 scraper asks for with an `escaping`
 * parameter in `Accept`. Every name we write is a classic one (letters, digits, `_`, `:`),
 * which reads the same under each scheme: the body never changes, only the Content-Type
 * says the scheme was applied.
 */
export type NameEscaping = 'allow-utf-8' | 'underscores' | 'dots' | 'values';

const NAME_ESCAPINGS: ReadonlySet<string> = new Set<NameEscaping>(['allow-utf-8', 'underscores', 'dots', 'values']);

/** What to serve: the format, and the name escaping the chosen media range asked for (if any). */
export interface Negotiated {
  format: ExpositionFormat;
  escaping?: NameEscaping;
}

/** The Content-Type of `format`, with `; escaping=...` (as Go's expfmt writes it) when one was asked for. */
export function contentTypeOf(format: ExpositionFormat, escaping?: NameEscaping): string {
  const contentType = CONTENT_TYPES[format];
  return escaping === undefined ? contentType : `${contentType}; escaping=${escaping}`;
}

interface MediaRange {
  type: string;
  parameters: Map<string, string>;
  q: number;
}

/**
 * The format to serve for this `Accept` header, among `offered` (default all three): the
 * acceptable range of the highest weight that names an offered format; on equal weight the
 * range listed first wins (as Go's expfmt does). Missing, unknown or `*` / `*` gives text.
 * Protobuf is chosen only when asked for by name (`proto=io.prometheus.client.MetricFamily;
 * encoding=delimited`), never for `*` / `*`.
 */
export function negotiateFormat(accept: string | undefined, offered: readonly ExpositionFormat[] = EVERY_FORMAT): ExpositionFormat {
  return negotiateExposition(accept, offered).format;
}

/**
 * The format as negotiateFormat chooses it, plus the `escaping` parameter of the media range
 * that won (`allow-utf-8`, `underscores`, `dots`, `values`; an unknown one is ignored).
 */
export function negotiateExposition(accept: string | undefined, offered: readonly ExpositionFormat[] = EVERY_FORMAT): Negotiated {
  if (accept === undefined || accept === '') return { format: 'text' };
  const ranges = parseList(accept).map(toMediaRange);
  // A stable sort keeps header order among equal weights.
  ranges.sort((a, b) => b.q - a.q);
  for (const range of ranges) {
    if (range.q <= 0) break;
    if (isProtobuf(range) && offered.includes('protobuf')) return withEscaping('protobuf', range);
    if (isOpenMetrics(range) && offered.includes('openmetrics')) return withEscaping('openmetrics', range);
    if (isText(range)) return withEscaping('text', range);
  }
  return { format: 'text' };
}

function withEscaping(format: ExpositionFormat, range: MediaRange): Negotiated {
  const escaping = range.parameters.get('escaping');
  return escaping !== undefined && NAME_ESCAPINGS.has(escaping) ? { format, escaping: escaping as NameEscaping } : { format };
}

/** Whether the response may be gzipped: `gzip` (or `*` when gzip is not named) with q > 0. */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (acceptEncoding === undefined || acceptEncoding === '') return false;
  let gzip: number | undefined;
  let any: number | undefined;
  for (const item of parseList(acceptEncoding)) {
    const [coding, ...parameters] = item.split(';');
    const name = coding.trim().toLowerCase();
    const q = qualityOf(parameters);
    if (name === 'gzip' || name === 'x-gzip') gzip = Math.max(gzip ?? 0, q);
    else if (name === '*') any = q;
  }
  return (gzip ?? any ?? 0) > 0;
}

/** The delimited MetricFamily stream; the text and compact-text protobuf encodings are not served. */
function isProtobuf(range: MediaRange): boolean {
  return range.type === 'application/vnd.google.protobuf' && range.parameters.get('proto') === 'io.prometheus.client.MetricFamily' && range.parameters.get('encoding') === 'delimited';
}

function isOpenMetrics(range: MediaRange): boolean {
  if (range.type !== 'application/openmetrics-text') return false;
  const version = range.parameters.get('version');
  // 0.0.1 is the draft Prometheus still offers; 1.0.0 is a superset it parses the same way.
  return version === undefined || version === '1.0.0' || version === '0.0.1';
}

function isText(range: MediaRange): boolean {
  if (range.type === '*/*' || range.type === 'text/*') return true;
  if (range.type !== 'text/plain') return false;
  const version = range.parameters.get('version');
  return version === undefined || version === '0.0.4';
}

function parseList(header: string): string[] {
  return header
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function toMediaRange(item: string): MediaRange {
  const [type, ...rawParameters] = item.split(';');
  const parameters = new Map<string, string>();
  for (const raw of rawParameters) {
    const equals = raw.indexOf('=');
    if (equals < 0) continue;
    const key = raw.slice(0, equals).trim().toLowerCase();
    const value = raw.slice(equals + 1).trim().replace(/^"(.*)"$/, '$1');
    if (key !== 'q') parameters.set(key, value);
  }
  return { type: type.trim().toLowerCase(), parameters, q: qualityOf(rawParameters) };
}

function qualityOf(parameters: readonly string[]): number {
  for (const raw of parameters) {
    const [key, value] = raw.split('=');
    if (key.trim().toLowerCase() !== 'q' || value === undefined) continue;
    const q = Number(value.trim());
    return Number.isFinite(q) ? Math.min(Math.max(q, 0), 1) : 1;
  }
  return 1;
}
