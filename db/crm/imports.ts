// CSV imports of contacts: the file is read at once (its header checked, its rows counted), then
// the rows are created one by one, each in its own transaction together with the import's
// progress, so progress is exact and readable at any time. A bad row is recorded and skipped.
import { eq, sql } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import type { Db } from '../client.js';
import { agents, contactImports } from '../schema.js';
import { findOrCreateCompanyByName } from './companies.js';
import { checkCountry } from './contact-input.js';
import { insertContact } from './contacts.js';
import { lockDedupeKeys } from './duplicates.js';
import { CrmError, invalid } from './errors.js';
import { isUuid } from './paging.js';

/** Rows beyond this are refused at upload. */
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

/** The delimiter of the header line: the most frequent of `,` `;` tab outside quotes (`,` on a tie). */
function sniffDelimiter(text: string): string {
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch in counts) counts[ch]!++;
  }
  return [',', ';', '\t'].reduce((best, d) => (counts[d]! > counts[best]! ? d : best), ',');
}

/** Parse a contacts CSV; a file that cannot be read, or whose header has no name column, fails naming `csv`. */
export function parseContactsCsv(text: string): ParsedImport {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw invalid('csv', 'the CSV is empty: a header row (name, phone, country, email, company...) is expected');
  let records: string[][];
  try {
    // Blank lines are kept as records so that a row's number is its position in the file.
    records = parse(body, {
      delimiter: sniffDelimiter(body),
      bom: true,
      relax_column_count: true,
      trim: true,
      max_record_size: 64 * 1024,
    }) as string[][];
  } catch (err) {
    throw invalid('csv', `the CSV cannot be read: ${(err as Error).message}`);
  }
  const isBlank = (cells: string[]) => cells.every((c) => c === '');
  const headerAt = records.findIndex((r) => !isBlank(r));
  const header = records[headerAt];
  if (!header) throw invalid('csv', 'the CSV has no header row');
  const columns = header.map((h) => FIELD_OF_HEADER.get(headerKey(h)) ?? null);
  if (!columns.includes('name')) {
    throw invalid('csv', `the header row has no name column (got ${header.map((h) => JSON.stringify(h)).join(', ')}); expected columns among name, phone, country, email, company, owner, language, timezone`);
  }
  const rows: ImportRow[] = [];
  for (let i = headerAt + 1; i < records.length; i++) {
    const cells = records[i]!;
    if (isBlank(cells)) continue;
    const fields: Partial<Record<ImportField, string>> = {};
    columns.forEach((f, c) => {
      const v = cells[c];
      // The first column of a field wins; a later one of the same field fills it only when blank.
      if (f && v !== undefined && v !== '' && fields[f] === undefined) fields[f] = v;
    });
    rows.push({ row: i + 1, fields });
  }
  if (rows.length > MAX_IMPORT_ROWS) throw invalid('csv', `at most ${MAX_IMPORT_ROWS} rows per import, got ${rows.length}`);
  return { columns, rows };
}

// ---------------------------------------------------------------------------------------------
// Progress

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

export async function createImport(db: Db, total: number, defaultCountry: string | null): Promise<ImportView> {
  const country = checkCountry(defaultCountry, 'defaultCountry');
  const [row] = await db
    .insert(contactImports)
    .values({ total, defaultCountry: country, status: total === 0 ? 'done' : 'running', finishedAt: total === 0 ? new Date() : null })
    .returning();
  return importView(row!);
}

export async function getImport(db: Db, id: string): Promise<ImportView | null> {
  if (!isUuid(id)) return null;
  const [row] = await db.select().from(contactImports).where(eq(contactImports.id, id));
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

/**
 * Create the rows' contacts, recording progress as it goes. Stops early (status failed, saying so)
 * when `signal` aborts or the database fails; a bad row is only counted and described.
 */
export async function runImport(db: Db, importId: string, rows: ImportRow[], opts: { defaultCountry?: string | null; signal?: AbortSignal } = {}): Promise<void> {
  const companyIds = new Map<string, string>();
  const ownerIds = new Map<string, string>();
  let i = 0;
  try {
    for (; i < rows.length; i++) {
      if (opts.signal?.aborted) {
        await finish(db, importId, 'failed', [{ row: rows[i]!.row, message: `the import was interrupted (the server stopped) after ${i} of ${rows.length} rows; import the rest again` }]);
        return;
      }
      const { row, fields } = rows[i]!;
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
          await tx
            .update(contactImports)
            .set({ processed: sql`${contactImports.processed} + 1`, created: sql`${contactImports.created} + 1` })
            .where(eq(contactImports.id, importId));
        });
        // Only ids that were committed are remembered.
        for (const [map, key, id] of learned) map.set(key, id);
      } catch (err) {
        if (!(err instanceof CrmError)) throw err;
        const field = err.field === 'companyId' ? 'company' : err.field === 'ownerAgentId' ? 'owner' : err.field;
        await db
          .update(contactImports)
          .set({
            processed: sql`${contactImports.processed} + 1`,
            failed: sql`${contactImports.failed} + 1`,
            errors: appendErrors([{ row, ...(field ? { field } : {}), message: err.message }]),
          })
          .where(eq(contactImports.id, importId));
      }
    }
    await finish(db, importId, 'done', []);
  } catch (err) {
    const at = rows[i]?.row ?? 0;
    await finish(db, importId, 'failed', [{ row: at, message: `the import stopped at row ${at}: ${(err as Error).message}` }]).catch(() => {});
    throw err;
  }
}

async function finish(db: Db, importId: string, status: 'done' | 'failed', errors: ImportRowError[]) {
  await db
    .update(contactImports)
    .set({ status, finishedAt: new Date(), ...(errors.length > 0 ? { errors: appendErrors(errors) } : {}) })
    .where(eq(contactImports.id, importId));
}
