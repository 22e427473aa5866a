// CSV imports of contacts: the file is parsed as it arrives (its header checked, its rows counted,
// the cap enforced while reading), then the rows are created one by one, each in its own
// transaction together with the import's progress, so progress is exact and readable at any time.
// A bad row is recorded and skipped.
import { and, eq, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { Parser } from 'csv-parse';
import type { Db } from '../client.js';
import { agents, contactImports } from '../schema.js';
import { findOrCreateCompanyByName } from './companies.js';
import { insertContact } from './contacts.js';
import { lockDedupeKeys } from './duplicates.js';
import { CrmError, invalid } from './errors.js';
import { isUuid } from '../../domain/ids.js';

/** Rows beyond this are refused while the file is read. */
export const MAX_IMPORT_ROWS = 100_000;
/** Per-row errors kept on the import (all are counted in `failed`). */
export const MAX_STORED_ERRORS = 1000;

export type ImportField = 'name' | 'phone' | 'country' | 'email' | 'company' | 'owner' | 'language' | 'timezone';

/** Header spellings understood for each field (compared lower-cased, without spaces, `_`, `-`, `.`). */
const COLUMN_ALIASES: Record<ImportField, string[]> = {
  name: ['name', 'fullname', 'contactname', 'contact', 'الاسم', 'nome', 'nombre', 'nom'],
  phone: ['phone', 'phonenumber', 'mobile', 'mobilenumber', 'mobilephone', 'cell', 'cellphone', 'tel', 'telephone', 'whatsapp', 'whatsappnumber', 'number', 'الهاتف', 'الجوال', 'telefone', 'telefono', 'celular'],
  country: ['country', 'countrycode', 'region', 'الدولة', 'pais', 'país'],
  email: ['email', 'emailaddress', 'mail', 'البريد', 'البريدالإلكتروني', 'correo'],
  company: ['company', 'companyname', 'organization', 'organisation', 'account', 'الشركة', 'empresa'],
  owner: ['owner', 'owneragentid', 'owneragent', 'agent', 'ownerid'],
  language: ['language', 'lang', 'locale', 'اللغة', 'idioma'],
  timezone: ['timezone', 'tz', 'timezonename'],
};

const headerKey = (h: string) => h.normalize('NFKC').trim().toLowerCase().replace(/[\s_\-.]+/g, '');
const FIELD_OF_HEADER = new Map<string, ImportField>(
  (Object.entries(COLUMN_ALIASES) as [ImportField, string[]][]).flatMap(([f, names]) => names.map((n) => [headerKey(n), f] as [string, ImportField])),
);

export interface ImportRow {
  /** The row as a spreadsheet shows the file: the header is row 1 (when the file starts with it), blank lines count. */
  row: number;
  fields: Partial<Record<ImportField, string>>;
}

export interface ParsedImport {
  /** Header cells mapped to fields (null: an unknown column, ignored). */
  columns: (ImportField | null)[];
  rows: ImportRow[];
}

/** Bytes fed to the parser at a time (well under a millisecond each); the loop is yielded to between them. */
const CHUNK_BYTES = 16 * 1024;
const MAX_RECORD_BYTES = 64 * 1024;

/**
 * The delimiter of the header line: the most frequent of `,` `;` tab outside quotes (`,` on a tie).
 * Fed bytes until the header line ends (these characters are ASCII: never inside a UTF-8 sequence).
 */
class DelimiterSniffer {
  private counts = new Map<number, number>([
    [0x2c, 0],
    [0x3b, 0],
    [0x09, 0],
  ]);
  private quoted = false;
  done = false;

  /** True once the header line has ended. */
  feed(buf: Uint8Array): boolean {
    for (let i = 0; i < buf.length && !this.done; i++) {
      const b = buf[i]!;
      if (b === 0x22) this.quoted = !this.quoted;
      else if (!this.quoted && (b === 0x0a || b === 0x0d)) this.done = true;
      else if (!this.quoted && this.counts.has(b)) this.counts.set(b, this.counts.get(b)! + 1);
    }
    return this.done;
  }

  delimiter(): string {
    const [c, s, t] = [this.counts.get(0x2c)!, this.counts.get(0x3b)!, this.counts.get(0x09)!];
    return s > c && s >= t ? ';' : t > c && t > s ? '\t' : ',';
  }
}

const isBlank = (cells: string[]) => cells.every((c) => c === '');
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c]);
const BOM = [0xef, 0xbb, 0xbf];

export interface ReadCsvOptions {
  /** Data rows allowed (default MAX_IMPORT_ROWS): the read fails as soon as one more appears. */
  maxRows?: number;
}

/**
 * Parse a contacts CSV as it arrives (csv-parse's streaming parser, a chunk at a time, the event
 * loop yielded to between chunks). Fails naming `csv` on a file that cannot be read, a header
 * without a name column (as soon as the header is read) or one row too many (as soon as it
 * appears: the rest is not read). Errors of the source itself (too large, aborted) pass as they are.
 */
export async function readContactsCsv(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, opts: ReadCsvOptions = {}): Promise<ParsedImport> {
  const maxRows = opts.maxRows ?? MAX_IMPORT_ROWS;
  const sniffer = new DelimiterSniffer();
  let head: Buffer[] = [];
  let headBytes = 0;
  let parser: Parser | undefined;
  const pending: string[][] = [];
  let seenBytes = 0;
  let content = false;
  let records = 0;
  let columns: (ImportField | null)[] | undefined;
  const rows: ImportRow[] = [];

  const cannotRead = (err: unknown) => invalid('csv', `the CSV cannot be read: ${(err as Error).message}`);
  const start = () => {
    // Blank lines are kept as records so that a row's number is its position in the file.
    parser = new Parser({ delimiter: sniffer.delimiter(), bom: true, relax_column_count: true, trim: true, max_record_size: MAX_RECORD_BYTES });
    parser.on('data', (r: string[]) => pending.push(r));
    parser.on('error', () => {}); // reported through write / end below
  };
  const write = (buf: Buffer) =>
    new Promise<void>((resolve, reject) => parser!.write(buf, (err) => (err ? reject(cannotRead(err)) : resolve())));
  /** The records parsed so far: the header checked, rows numbered, the cap enforced. */
  const take = () => {
    for (const cells of pending) {
      const row = ++records;
      if (isBlank(cells)) continue;
      if (!columns) {
        columns = cells.map((h) => FIELD_OF_HEADER.get(headerKey(h)) ?? null);
        if (!columns.includes('name')) {
          throw invalid('csv', `the header row has no name column (got ${cells.map((h) => JSON.stringify(h)).join(', ')}); expected columns among name, phone, country, email, company, owner, language, timezone`);
        }
        continue;
      }
      const fields: Partial<Record<ImportField, string>> = {};
      columns.forEach((f, c) => {
        const v = cells[c];
        // The first column of a field wins; a later one of the same field fills it only when blank.
        // U+0000 (which Postgres refuses in text) becomes U+FFFD.
        if (f && v !== undefined && v !== '' && fields[f] === undefined) fields[f] = v.includes('\u0000') ? v.replaceAll('\u0000', '\uFFFD') : v;
      });
      rows.push({ row, fields });
      if (rows.length > maxRows) throw invalid('csv', `at most ${maxRows} rows per import; row ${row} is one more (split the file)`);
    }
    pending.length = 0;
  };
  const feed = async (buf: Buffer) => {
    if (!content) {
      for (let i = 0; i < buf.length && !content; i++) {
        const at = seenBytes + i;
        if (!WHITESPACE.has(buf[i]!) && !(at < 3 && buf[i] === BOM[at])) content = true;
      }
    }
    seenBytes += buf.length;
    if (!parser) {
      // The delimiter is sniffed on the header line: hold the bytes until it has ended.
      head.push(buf);
      headBytes += buf.length;
      if (!sniffer.feed(buf) && headBytes <= MAX_RECORD_BYTES) return;
      start();
      buf = Buffer.concat(head);
      head = [];
    }
    await write(buf);
    take();
  };

  try {
    for await (const piece of source) {
      const buf = Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
      for (let off = 0; off < buf.length; off += CHUNK_BYTES) {
        await feed(off === 0 && buf.length <= CHUNK_BYTES ? buf : buf.subarray(off, off + CHUNK_BYTES));
        // Let other requests run between chunks, however fast the bytes come.
        await yieldToLoop();
      }
    }
    if (!content) throw invalid('csv', 'the CSV is empty: a header row (name, phone, country, email, company...) is expected');
    if (!parser) {
      start();
      await write(Buffer.concat(head));
      take();
    }
    const p = parser!;
    await new Promise<void>((resolve, reject) => {
      p.once('end', resolve);
      p.once('error', (err) => reject(cannotRead(err)));
      p.end();
    });
    take();
  } finally {
    parser?.destroy();
  }
  if (!columns) throw invalid('csv', 'the CSV has no header row');
  return { columns, rows };
}

/** Chunks of a string, never splitting a surrogate pair (each is encoded on its own). */
function* textChunks(text: string): Generator<Buffer> {
  const size = CHUNK_BYTES;
  for (let i = 0; i < text.length; ) {
    let end = Math.min(text.length, i + size);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    yield Buffer.from(text.slice(i, end), 'utf8');
    i = end;
  }
}

/** Parse a contacts CSV given as a string (the JSON form): the same parser, fed in chunks. */
export function parseContactsCsv(text: string, opts: ReadCsvOptions = {}): Promise<ParsedImport> {
  return readContactsCsv(textChunks(text), opts);
}

// ---------------------------------------------------------------------------------------------
// Progress
//
// One running import per token: the partial unique index contact_imports_running_per_token_uq
// refuses a second `running` row of a token, whatever the race. A running import writes
// heartbeat_at (with every row, and on a timer of the process that runs it); one whose heartbeat
// is older than IMPORT_STALE_AFTER_MS lost its process and is marked failed at reached_row.

export type ImportRowError = { row: number; field?: string; message: string };

export interface ImportView {
  id: string;
  status: string;
  total: number;
  processed: number;
  created: number;
  failed: number;
  errors: ImportRowError[];
  defaultCountry: string | null;
  createdAt: string;
  finishedAt: string | null;
}

const importView = (r: typeof contactImports.$inferSelect): ImportView => ({
  id: r.id,
  status: r.status,
  total: r.total,
  processed: r.processed,
  created: r.created,
  failed: r.failed,
  errors: (r.errors as ImportRowError[]) ?? [],
  defaultCountry: r.defaultCountry,
  createdAt: r.createdAt.toISOString(),
  finishedAt: r.finishedAt ? r.finishedAt.toISOString() : null,
});

/** A running import whose heartbeat is older than this lost its process (killed, crashed). */
export const IMPORT_STALE_AFTER_MS = 20_000;

/** SQLSTATE of a postgres.js or PGlite error, also when drizzle wraps it. */
function sqlState(err: unknown): string | undefined {
  for (let e: unknown = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** Running, and its heartbeat (or, without one, its creation) older than `staleAfterMs`; the database's clock decides. */
const staleSql = (staleAfterMs: number) =>
  sql`(${contactImports.status} = 'running' and coalesce(${contactImports.heartbeatAt}, ${contactImports.createdAt}) < now() - make_interval(secs => ${staleAfterMs / 1000}::double precision))`;

/** Mark failed the imports that lost their process (all, one, or a token's), saying at which row; their ids. */
export async function failStaleImports(db: Db, opts: { staleAfterMs?: number; id?: string; tokenId?: string } = {}): Promise<string[]> {
  const reached = contactImports.reachedRow;
  const { processed, total } = contactImports;
  const error = sql`jsonb_build_object('row', coalesce(${reached}, 0), 'message', 'the import was interrupted (its process stopped) ' || case
    when ${reached} is not null then format('at row %s, after %s of %s rows; import the rest again', ${reached}, ${processed}, ${total})
    when ${total} > 0 then format('after %s of %s rows; import the rest again', ${processed}, ${total})
    else 'before its file was read; import the file again' end)`;
  const rows = await db
    .update(contactImports)
    .set({ status: 'failed', finishedAt: sql`now()`, errors: sql`${contactImports.errors} || jsonb_build_array(${error})` })
    .where(
      and(
        staleSql(opts.staleAfterMs ?? IMPORT_STALE_AFTER_MS),
        opts.id ? eq(contactImports.id, opts.id) : undefined,
        opts.tokenId ? eq(contactImports.tokenId, opts.tokenId) : undefined,
      ),
    )
    .returning({ id: contactImports.id });
  return rows.map((r) => r.id);
}

export type ImportClaim = { id: string } | { running: ImportView };

/**
 * Reserve the token's one running import before its file is read (a stale one of the token is
 * failed first), or name the import that holds it.
 */
export async function claimImport(db: Db, opts: { tokenId: string; defaultCountry: string | null; staleAfterMs?: number }): Promise<ImportClaim> {
  for (let attempt = 0; ; attempt++) {
    await failStaleImports(db, { staleAfterMs: opts.staleAfterMs, tokenId: opts.tokenId });
    try {
      const [row] = await db
        .insert(contactImports)
        .values({ status: 'running', tokenId: opts.tokenId, defaultCountry: opts.defaultCountry, heartbeatAt: sql`now()` })
        .returning({ id: contactImports.id });
      return { id: row!.id };
    } catch (err) {
      if (sqlState(err) !== '23505' || attempt >= 2) throw err;
    }
    const [running] = await db
      .select()
      .from(contactImports)
      .where(and(eq(contactImports.tokenId, opts.tokenId), eq(contactImports.status, 'running')));
    if (running) return { running: importView(running) };
    // It ended in between: claim again.
  }
}

/** The claim's file was read: its rows counted (none: done at once). Null when it was failed meanwhile. */
export async function beginImport(db: Db, importId: string, rows: readonly ImportRow[]): Promise<ImportView | null> {
  const empty = rows.length === 0;
  const [row] = await db
    .update(contactImports)
    .set({ total: rows.length, reachedRow: rows[0]?.row ?? null, heartbeatAt: sql`now()`, ...(empty ? { status: 'done', finishedAt: new Date() } : {}) })
    .where(and(eq(contactImports.id, importId), eq(contactImports.status, 'running')))
    .returning();
  return row ? importView(row) : null;
}

/** A claim whose file was refused: it never was an import. */
export async function dropClaim(db: Db, importId: string): Promise<void> {
  await db
    .delete(contactImports)
    .where(and(eq(contactImports.id, importId), eq(contactImports.status, 'running'), eq(contactImports.processed, 0)));
}

/** The heartbeat of imports this process runs (only while they run). */
export async function heartbeatImports(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(contactImports)
    .set({ heartbeatAt: sql`now()` })
    .where(and(inArray(contactImports.id, [...ids]), eq(contactImports.status, 'running')));
}

/** An import as it is; one that lost its process is failed first (so never `running` forever). */
export async function getImport(db: Db, id: string, opts: { staleAfterMs?: number } = {}): Promise<ImportView | null> {
  if (!isUuid(id)) return null;
  const staleAfterMs = opts.staleAfterMs ?? IMPORT_STALE_AFTER_MS;
  const read = () =>
    db
      .select({ ...getTableColumns(contactImports), stale: sql<boolean>`${staleSql(staleAfterMs)}` })
      .from(contactImports)
      .where(eq(contactImports.id, id));
  let [row] = await read();
  if (row?.stale) {
    await failStaleImports(db, { staleAfterMs, id });
    [row] = await read();
  }
  return row ? importView(row) : null;
}

function appendErrors(errors: ImportRowError[]) {
  return sql`case when jsonb_array_length(${contactImports.errors}) < ${MAX_STORED_ERRORS} then ${contactImports.errors} || ${JSON.stringify(errors)}::jsonb else ${contactImports.errors} end`;
}

async function resolveOwner(tx: Db, owner: string): Promise<string> {
  const v = owner.trim();
  const rows = isUuid(v)
    ? await tx.select({ id: agents.id }).from(agents).where(eq(agents.id, v)).limit(2)
    : await tx.select({ id: agents.id }).from(agents).where(sql`lower(${agents.name}) = lower(${v})`).limit(2);
  if (rows.length === 0) throw invalid('owner', `owner: no agent ${JSON.stringify(owner)} (an agent id or name)`);
  if (rows.length > 1) throw invalid('owner', `owner: several agents are named ${JSON.stringify(owner)}; use the agent id`);
  return rows[0]!.id;
}

/** The import is no longer `running` (failed by a sweep that thought its process gone): stop touching it. */
class ImportLost extends Error {}

/** One row's progress, with the heartbeat and the next row to do; only while the import still runs. */
async function recordProgress(tx: Db, importId: string, set: { reachedRow: number; created?: SQL; failed?: SQL; errors?: SQL }): Promise<void> {
  const updated = await tx
    .update(contactImports)
    .set({ processed: sql`${contactImports.processed} + 1`, heartbeatAt: sql`now()`, ...set })
    .where(and(eq(contactImports.id, importId), eq(contactImports.status, 'running')))
    .returning({ id: contactImports.id });
  if (updated.length === 0) throw new ImportLost();
}

/**
 * Create the rows' contacts, recording progress as it goes. Stops early (status failed, saying so)
 * when `signal` aborts or the database fails; a bad row is only counted and described. `lost`:
 * the import was failed by someone else meanwhile (its heartbeat looked stale), and left as it is.
 */
export async function runImport(
  db: Db,
  importId: string,
  rows: ImportRow[],
  opts: { defaultCountry?: string | null; signal?: AbortSignal } = {},
): Promise<'done' | 'failed' | 'lost'> {
  const companyIds = new Map<string, string>();
  const ownerIds = new Map<string, string>();
  let i = 0;
  try {
    for (; i < rows.length; i++) {
      if (opts.signal?.aborted) {
        await finish(db, importId, 'failed', [{ row: rows[i]!.row, message: `the import was interrupted (the server stopped) after ${i} of ${rows.length} rows; import the rest again` }]);
        return 'failed';
      }
      const { row, fields } = rows[i]!;
      // Where a restart's report says the import got to: the first row not done.
      const reachedRow = rows[i + 1]?.row ?? row + 1;
      const learned: [Map<string, string>, string, string][] = [];
      try {
        await db.transaction(async (tx) => {
          let companyId: string | null = null;
          if (fields.company) {
            const key = fields.company.replace(/\s+/g, ' ').trim().toLowerCase();
            companyId = companyIds.get(key) ?? null;
            if (!companyId) {
              await lockDedupeKeys(tx, [`crm:company-name:${key}`]);
              companyId = await findOrCreateCompanyByName(tx, fields.company);
              learned.push([companyIds, key, companyId]);
            }
          }
          let ownerAgentId: string | null = null;
          if (fields.owner) {
            ownerAgentId = ownerIds.get(fields.owner) ?? (await resolveOwner(tx, fields.owner));
            learned.push([ownerIds, fields.owner, ownerAgentId]);
          }
          await insertContact(tx, {
            name: fields.name ?? '',
            phone: fields.phone,
            country: fields.country,
            defaultCountry: opts.defaultCountry,
            email: fields.email,
            language: fields.language,
            timezone: fields.timezone,
            companyId,
            ownerAgentId,
          });
          await recordProgress(tx, importId, { created: sql`${contactImports.created} + 1`, reachedRow });
        });
        // Only ids that were committed are remembered.
        for (const [map, key, id] of learned) map.set(key, id);
      } catch (err) {
        if (err instanceof ImportLost) return 'lost';
        if (!(err instanceof CrmError)) throw err;
        const field = err.field === 'companyId' ? 'company' : err.field === 'ownerAgentId' ? 'owner' : err.field;
        try {
          await recordProgress(db, importId, {
            failed: sql`${contactImports.failed} + 1`,
            errors: appendErrors([{ row, ...(field ? { field } : {}), message: err.message }]),
            reachedRow,
          });
        } catch (e) {
          if (e instanceof ImportLost) return 'lost';
          throw e;
        }
      }
    }
    return (await finish(db, importId, 'done', [])) ? 'done' : 'lost';
  } catch (err) {
    const at = rows[i]?.row ?? 0;
    await finish(db, importId, 'failed', [{ row: at, message: `the import stopped at row ${at}: ${(err as Error).message}` }]).catch(() => {});
    throw err;
  }
}

/** The end of a running import; its closing error is kept even past MAX_STORED_ERRORS. False: it was not running. */
async function finish(db: Db, importId: string, status: 'done' | 'failed', errors: ImportRowError[]): Promise<boolean> {
  const updated = await db
    .update(contactImports)
    .set({ status, finishedAt: new Date(), ...(errors.length > 0 ? { errors: sql`${contactImports.errors} || ${JSON.stringify(errors)}::jsonb` } : {}) })
    .where(and(eq(contactImports.id, importId), eq(contactImports.status, 'running')))
    .returning({ id: contactImports.id });
  return updated.length > 0;
}
