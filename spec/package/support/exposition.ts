/** Reading the Prometheus text exposition the consumer apps print. */

/** The metric a line belongs to: the name after `# HELP`/`# TYPE`, or a sample's name. */
function metricOf(line: string): string {
  const comment = /^# (?:HELP|TYPE) (\S+)/.exec(line);
  if (comment !== null) return comment[1];
  return /^[^{\s]*/.exec(line)![0];
}

/** The lines of the decorators' default metrics (`method_*`), HELP and TYPE included, in the order given. */
export function methodMetricLines(exposition: string | null): string[] {
  if (exposition === null) return [];
  return exposition.split('\n').filter((line) => line !== '' && metricOf(line).startsWith('method_'));
}
