import { readFileSync, writeFileSync } from 'node:fs';
import { runLine, targetsTable, throughputTable, type BenchResults } from './report';

/**
 * The README's Performance section shows the latest complete run: the part
 * between these markers is rewritten by `npm run bench` (what the misses mean
 * stays hand-written, after the end marker).
 */
export const README_START = '<!-- bench:latest:start (written by npm run bench) -->';
export const README_END = '<!-- bench:latest:end -->';

export function readmeSection(results: BenchResults): string {
  return [
    README_START,
    `Latest run: ${runLine(results)} (a shared virtual machine: the same code can measure twice as fast`,
    'in one round as in another, see the last columns).',
    '',
    ...throughputTable(results),
    '',
    ...targetsTable(results),
    README_END,
  ].join('\n');
}

/** Replaces the section between the markers; false (and nothing written) when the README has no markers. */
export function updateReadme(file: string, results: BenchResults): boolean {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  if (start === -1 || end === -1 || end < start) return false;
  writeFileSync(file, text.slice(0, start) + readmeSection(results) + text.slice(end + README_END.length));
  return true;
}
