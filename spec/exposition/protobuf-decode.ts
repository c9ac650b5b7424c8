/**
 * Reads a protobuf exposition back with protobufjs against client_model's own schema
 * (fixtures/metrics.proto, vendored from prometheus/client_model at 10dc9df), so what the
 * encoder wrote is checked by a decoder nobody here wrote.
 */
import { join } from 'node:path';
import protobuf from 'protobufjs';

const root = protobuf.loadSync(join(__dirname, 'fixtures', 'metrics.proto'));
const MetricFamily = root.lookupType('io.prometheus.client.MetricFamily');

/** Each length-delimited MetricFamily as a plain object: 64-bit integers as numbers, enums as names, unset fields left out. */
export function decodeFamilies(body: Uint8Array): Record<string, unknown>[] {
  const reader = protobuf.Reader.create(body);
  const families: Record<string, unknown>[] = [];
  while (reader.pos < reader.len) {
    families.push(MetricFamily.toObject(MetricFamily.decodeDelimited(reader), { longs: Number, enums: String, defaults: false }));
  }
  return families;
}
