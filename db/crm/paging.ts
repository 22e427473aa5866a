// Keyset paging shared by the CRM lists: newest first on (created_at, id), with an opaque cursor.
import { and, desc, eq, lt, or, type AnyColumn, type SQL } from 'drizzle-orm';
import { decodeCursor, encodeCursor, type Cursor } from '../../domain/ids.js';
import { invalid } from './errors.js';

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** The cursor a previous page handed out; anything else is a 422 naming `cursor`. */
export function readCursor(cursor: string | undefined): Cursor | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const c = decodeCursor(cursor);
  if (!c) throw invalid('cursor', 'cursor is not one this API issued');
  return c;
}

/** The rows after `cursor` in (created_at desc, id desc) order. */
export function afterCursor(createdAt: AnyColumn, id: AnyColumn, cursor: Cursor | undefined): SQL | undefined {
  if (!cursor) return undefined;
  return or(lt(createdAt, cursor.createdAt), and(eq(createdAt, cursor.createdAt), lt(id, cursor.id)));
}

export const newestFirst = (createdAt: AnyColumn, id: AnyColumn) => [desc(createdAt), desc(id)];

/** Cut a `limit + 1` query result into a page. */
export function toPage<T extends { createdAt: Date; id: string }, U>(rows: T[], limit: number, view: (r: T) => U): Page<U> {
  const more = rows.length > limit;
  const data = more ? rows.slice(0, limit) : rows;
  return { data: data.map(view), nextCursor: more ? encodeCursor(data.at(-1)!) : null };
}

/** A LIKE pattern matching `s` anywhere, with its wildcards escaped. */
export function containsPattern(s: string): string {
  return `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export const clampLimit = (limit: number | undefined, dflt = 50, max = 200) =>
  Math.min(max, Math.max(1, Math.floor(limit ?? dflt)));
