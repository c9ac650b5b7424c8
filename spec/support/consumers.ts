/**
 * Consumers of an exposition that no one here wrote, to check what we serve against:
 * promtool and the Python client's parsers (Debian's python3-prometheus-client): the lenient
 * text parser and the strict OpenMetrics one, which refuses clashing names, bad types and
 * malformed numbers the way a real scraper drops a target.
 */
import { spawnSync } from 'node:child_process';
import { requireBinary } from './binaries.js';

export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  /** The value as Python read it; NaN and infinities as their names ("nan", "inf", "-inf"). */
  value: number | string;
  exemplar?: { labels: Record<string, string>; value: number | string; timestamp?: number | null } | null;
}

export interface ParsedFamily {
  name: string;
  type: string;
  documentation: string;
  samples: ParsedSample[];
}

/** What a parser made of an exposition: its families, or the error it refused it with. */
export type ParseOutcome = { ok: true; families: ParsedFamily[] } | { ok: false; error: string };

const SCRIPT = `
import json, math, sys
from prometheus_client.parser import text_string_to_metric_families as text_parse
from prometheus_client.openmetrics.parser import text_string_to_metric_families as openmetrics_parse
def number(value):
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return 'nan' if math.isnan(value) else ('inf' if value > 0 else '-inf')
    return value
def exemplar(sample):
    found = getattr(sample, 'exemplar', None)
    if found is None:
        return None
    return {'labels': found.labels, 'value': number(found.value), 'timestamp': None if found.timestamp is None else float(found.timestamp)}
parse = openmetrics_parse if sys.argv[1] == 'openmetrics' else text_parse
try:
    families = [
        {'name': family.name, 'type': family.type, 'documentation': family.documentation,
         'samples': [{'name': s.name, 'labels': s.labels, 'value': number(s.value), 'exemplar': exemplar(s)} for s in family.samples]}
        for family in parse(sys.stdin.read())
    ]
    print(json.dumps({'ok': True, 'families': families}))
except Exception as error:
    print(json.dumps({'ok': False, 'error': type(error).__name__ + ': ' + str(error)}))
`;

/** Parses `exposition` with the Python client's text parser or its strict OpenMetrics parser. */
export function parseWithPython(exposition: string, format: 'text' | 'openmetrics'): ParseOutcome {
  const run = spawnSync(requireBinary('python3'), ['-c', SCRIPT, format], { input: exposition, encoding: 'utf8', timeout: 20_000 });
  if (run.status !== 0) throw new Error(`python3 failed (status ${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as ParseOutcome;
}

/** `promtool check metrics` on a text exposition: its exit status and findings. */
export function promtoolCheck(exposition: string): { status: number | null; output: string } {
  const run = spawnSync(requireBinary('promtool'), ['check', 'metrics'], { input: exposition, encoding: 'utf8', timeout: 20_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}
