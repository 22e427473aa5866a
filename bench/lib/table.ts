// A plain text table: text columns left-aligned, numeric-looking ones right-aligned.
import type { Cell } from './types.js';

const numeric = /^[-+]?[\d.,]+\s*(%|ms|s|x|MiB)?$/;

export function formatTable(columns: { key: string; label: string }[], rows: Record<string, Cell>[]): string {
  const text = (c: Cell | undefined) => (c === null || c === undefined ? '-' : String(c));
  const widths = columns.map((col) => Math.max(col.label.length, ...rows.map((r) => text(r[col.key]).length)));
  const rightAligned = columns.map((col, i) => i > 0 && rows.some((r) => numeric.test(text(r[col.key]))));
  const line = (cells: string[]) =>
    cells.map((c, i) => (rightAligned[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [
    line(columns.map((c) => c.label)),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map((r) => line(columns.map((c) => text(r[c.key])))),
  ].join('\n');
}
