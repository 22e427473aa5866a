// Companies: the organisations contacts and deals belong to.
import { lastContactView } from './last-contact.js';
import { and, asc, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { companies } from '../schema.js';
import { checkAgentRef } from './contacts.js';
import { CrmError, invalid } from './errors.js';
import { isUuid } from '../../domain/ids.js';
import { afterCursor, containsPattern, newestFirst, readCursor, toPage, type Page } from './paging.js';

export type CompanyRow = typeof companies.$inferSelect;

export interface CompanyView {
  id: string;
  name: string;
  domain: string | null;
  ownerAgentId: string | null;
  createdAt: string;
  updatedAt: string;
  lastContactAt: string | null;
  lastInboundAt: string | null;
  lastOutboundAt: string | null;
}

export interface CompanyInput {
  name: string;
  domain?: string | null;
  ownerAgentId?: string | null;
}

export const companyView = (r: CompanyRow): CompanyView => ({
  id: r.id,
  name: r.name,
  domain: r.domain,
  ownerAgentId: r.ownerAgentId,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  ...lastContactView(r),
});

function checkCompanyName(input: string | undefined | null): string {
  const name = (input ?? '').normalize('NFC').replace(/\s+/g, ' ').trim();
  if (!name) throw invalid('name', 'name is required');
  if (name.length > 500) throw invalid('name', 'name is longer than 500 characters');
  return name;
}

const DOMAIN = /^(?=.{1,253}$)(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+[\p{L}]{2,63}$/u;

/** A bare domain, lower-cased: `https://www.Acme.com/about` -> `acme.com`. */
export function checkDomain(input: string | null | undefined): string | null {
  if (input === null || input === undefined || input.trim() === '') return null;
  let d = input.trim().toLowerCase();
  d = d.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/[/?#].*$/, '').replace(/:\d+$/, '').replace(/^www\./, '').replace(/\.$/, '');
  if (d.includes('@')) d = d.slice(d.lastIndexOf('@') + 1);
  if (!DOMAIN.test(d)) throw invalid('domain', `domain is not a domain name: ${JSON.stringify(input)}`);
  return d;
}

export async function createCompany(db: Db, input: CompanyInput): Promise<CompanyView> {
  const name = checkCompanyName(input.name);
  const domain = checkDomain(input.domain);
  const ownerAgentId = await checkAgentRef(db, input.ownerAgentId);
  const [row] = await db.insert(companies).values({ name, domain, ownerAgentId }).returning();
  return companyView(row!);
}

export async function getCompany(db: Db, id: string): Promise<CompanyView | null> {
  if (!isUuid(id)) return null;
  const [row] = await db.select().from(companies).where(eq(companies.id, id));
  return row ? companyView(row) : null;
}

export async function updateCompany(db: Db, id: string, patch: Partial<CompanyInput>): Promise<CompanyView> {
  if (!isUuid(id)) throw new CrmError('not_found', `no company ${id}`);
  const next: Partial<typeof companies.$inferInsert> = {};
  if (patch.name !== undefined) next.name = checkCompanyName(patch.name);
  if (patch.domain !== undefined) next.domain = checkDomain(patch.domain);
  if (patch.ownerAgentId !== undefined) next.ownerAgentId = await checkAgentRef(db, patch.ownerAgentId);
  const [row] = await db.update(companies).set({ ...next, updatedAt: new Date() }).where(eq(companies.id, id)).returning();
  if (!row) throw new CrmError('not_found', `no company ${id}`);
  return companyView(row);
}

export async function listCompanies(
  db: Db,
  filter: { q?: string; ownerAgentId?: string; domain?: string },
  page: { limit: number; cursor?: string },
): Promise<Page<CompanyView>> {
  const cursor = readCursor(page.cursor);
  const where: (SQL | undefined)[] = [];
  if (filter.ownerAgentId !== undefined) {
    if (!isUuid(filter.ownerAgentId)) return { data: [], nextCursor: null };
    where.push(eq(companies.ownerAgentId, filter.ownerAgentId));
  }
  if (filter.domain) where.push(eq(companies.domain, checkDomain(filter.domain)!));
  const q = filter.q?.trim();
  if (q) where.push(or(ilike(companies.name, containsPattern(q)), ilike(companies.domain, containsPattern(q))));
  where.push(afterCursor(companies.createdAt, companies.id, cursor));
  const rows = await db
    .select()
    .from(companies)
    .where(and(...where))
    .orderBy(...newestFirst(companies.createdAt, companies.id))
    .limit(page.limit + 1);
  return toPage(rows, page.limit, companyView);
}

/** The company of that name (case- and space-insensitive, the oldest if several), created if none. */
export async function findOrCreateCompanyByName(tx: Db, rawName: string): Promise<string> {
  const name = checkCompanyName(rawName);
  const [found] = await tx
    .select({ id: companies.id })
    .from(companies)
    .where(sql`lower(${companies.name}) = lower(${name})`)
    .orderBy(asc(companies.createdAt), asc(companies.id))
    .limit(1);
  if (found) return found.id;
  const [row] = await tx.insert(companies).values({ name }).returning({ id: companies.id });
  return row!.id;
}
