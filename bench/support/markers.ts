import * as fs from 'node:fs';

/**
 * BENCHMARKS.md is shared by several benchmarks: each rewrites only the text between its
 * own start and end markers and leaves everything else as it was.
 */
export function replaceBetweenMarkers(file: string, name: string, body: string, skeleton: string): void {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : skeleton;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  let next: string;
  if (from < 0 || to < from) {
    // No markers yet: append the section rather than touch anyone else's text.
    next = `${text.trimEnd()}\n\n${start}\n${body.trim()}\n${end}\n`;
  } else {
    next = `${text.slice(0, from + start.length)}\n${body.trim()}\n${text.slice(to)}`;
  }
  fs.writeFileSync(file, next);
}
