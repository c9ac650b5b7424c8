/**
 * The README's Quickstart, read from README.md itself, so the spec runs what a reader copies.
 * Each block the spec uses follows a marker line, `<!-- quickstart: NAME -->`, invisible on
 * GitHub: NAME is the file the block is (tsconfig.json, src/main.ts, prometheus.yml) or the
 * step it is (setup, run, scrape, scraped lines).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './packed-package.js';

export const QUICKSTART_BLOCKS = ['setup', 'tsconfig.json', 'src/main.ts', 'run', 'scrape', 'scraped lines', 'prometheus.yml'] as const;
export type QuickstartBlock = (typeof QUICKSTART_BLOCKS)[number];

/** Every marked block of README.md, by name; throws when one is missing or given twice. */
export function readQuickstart(readme = readFileSync(join(ROOT, 'README.md'), 'utf8')): Record<QuickstartBlock, string> {
  const found = new Map<string, string>();
  for (const match of readme.matchAll(/^<!-- quickstart: (.+?) -->\n```[^\n]*\n([\s\S]*?)^```$/gm)) {
    if (found.has(match[1])) throw new Error(`README.md marks two blocks "quickstart: ${match[1]}"`);
    found.set(match[1], match[2]);
  }
  const missing = QUICKSTART_BLOCKS.filter((name) => !found.has(name));
  if (missing.length > 0) throw new Error(`README.md has no block marked ${missing.map((name) => `<!-- quickstart: ${name} -->`).join(', ')}`);
  return Object.fromEntries(QUICKSTART_BLOCKS.map((name) => [name, found.get(name)!])) as Record<QuickstartBlock, string>;
}

/** The commands of a shell block, one a line, without comments and blank lines. */
export function commandsOf(block: string): string[] {
  return block
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line !== '');
}

/** `text` with `from` replaced by `to`, which must occur exactly once (else the README changed under the spec). */
export function replaceOnce(text: string, from: string, to: string, where: string): string {
  const parts = text.split(from);
  if (parts.length !== 2) throw new Error(`${where}: expected ${JSON.stringify(from)} exactly once, found it ${parts.length - 1} times`);
  return parts.join(to);
}
