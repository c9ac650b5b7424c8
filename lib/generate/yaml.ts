/**
 * A small YAML writer for rule files, so the published package needs no YAML dependency.
 * Every string is written double-quoted with JSON escapes, which YAML reads the same way,
 * so PromQL and `{{ $value }}` templates need no further care.
 */
type YamlValue = string | number | boolean | null | undefined | YamlValue[] | { [key: string]: YamlValue };

export function toYaml(value: unknown): string {
  return `${lines(value as YamlValue, 0).join('\n')}\n`;
}

function lines(value: YamlValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${pad}[]`];
    return value.flatMap((item) => {
      const [first, ...rest] = lines(item, indent + 2);
      return [`${pad}- ${first.slice(indent + 2)}`, ...rest];
    });
  }
  if (isObject(value)) {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    if (entries.length === 0) return [`${pad}{}`];
    return entries.flatMap(([key, item]) => {
      const nested = Array.isArray(item) ? item.length > 0 : isObject(item) && Object.keys(item).length > 0;
      return nested ? [`${pad}${key}:`, ...lines(item, indent + 2)] : [`${pad}${key}: ${scalar(item)}`];
    });
  }
  return [`${pad}${scalar(value)}`];
}

function isObject(value: YamlValue): value is { [key: string]: YamlValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function scalar(value: YamlValue): string {
  if (Array.isArray(value)) return '[]';
  if (isObject(value)) return '{}';
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}
