// Duplicate candidates: two live contacts that may be one person. Flagged when a contact is
// created or changed (same typed phone or WhatsApp number in any of its forms, same e-mail, a
// similar name in the same company); never merged here.
import { and, asc, desc, eq, gt, inArray, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../client.js';
import { contactIdentities, contacts, duplicateCandidates } from '../schema.js';
import {
  DUPLICATE_SCORES,
  nameSimilarity,
  orderedPair,
  SIMILAR_NAME_THRESHOLD,
  similarNameScore,
  type DuplicateReason,
} from '../../domain/duplicates.js';
import { phoneVariants } from '../../domain/phone.js';
import { invalid } from './errors.js';
import { isUuid, packCursor, unpackCursor } from '../../domain/ids.js';
import type { Page } from './paging.js';

type ContactRow = typeof contacts.$inferSelect;

/** At most this many contacts of one company are compared by name. */
const COMPANY_NAME_SCAN = 5000;

/** Keys serialising the writers that could flag the same duplicate (see lockDedupeKeys). */
export function dedupeKeys(c: { phoneE164: string | null; email: string | null; companyId: string | null }): string[] {
  const keys: string[] = [];
  if (c.phoneE164) {
    const variants = phoneVariants(c.phoneE164);
    // The smallest variant is the same for every form of one number.
    if (variants.length > 0) keys.push(`crm:phone:${[...variants].sort()[0]}`);
  }
  if (c.email) keys.push(`crm:email:${c.email}`);
  if (c.companyId) keys.push(`crm:company:${c.companyId}`);
  return keys;
}

/**
 * Transaction-scoped advisory locks, so that two contacts created at once with the same number
 * (or e-mail, or in the same company) see each other and are flagged. Always taken in sorted
 * order, so writers never deadlock on them.
 */
export async function lockDedupeKeys(tx: Db, keys: string[]): Promise<void> {
  for (const key of [...new Set(keys)].sort()) {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
  }
}

/** Live contacts (other than `self`) reachable under any form of a phone number. */
export async function contactsWithPhone(db: Db, e164OrWaId: string, self?: string): Promise<string[]> {
  const variants = phoneVariants(e164OrWaId);
  if (variants.length === 0) return [];
  const plus = variants.map((v) => `+${v}`);
  const notSelf = self ? [ne(contacts.id, self)] : [];
  const [byColumn, byIdentity] = await Promise.all([
    db
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(isNull(contacts.mergedInto), inArray(contacts.phoneE164, plus), ...notSelf)),
    db
      .selectDistinct({ id: contactIdentities.contactId })
      .from(contactIdentities)
      .innerJoin(contacts, eq(contacts.id, contactIdentities.contactId))
      .where(
        and(
          isNull(contacts.mergedInto),
          ...notSelf,
          or(
            and(eq(contactIdentities.kind, 'phone'), inArray(contactIdentities.value, plus)),
            and(eq(contactIdentities.kind, 'wa_id'), inArray(contactIdentities.value, variants)),
          ),
        ),
      ),
  ]);
  return [...new Set([...byColumn, ...byIdentity].map((r) => r.id))];
}

/** Live contacts (other than `self`) with this e-mail, on the contact or as an identity. */
export async function contactsWithEmail(db: Db, email: string, self?: string): Promise<string[]> {
  const notSelf = self ? [ne(contacts.id, self)] : [];
  const [byColumn, byIdentity] = await Promise.all([
    db
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(isNull(contacts.mergedInto), eq(contacts.email, email), ...notSelf)),
    db
      .selectDistinct({ id: contactIdentities.contactId })
      .from(contactIdentities)
      .innerJoin(contacts, eq(contacts.id, contactIdentities.contactId))
      .where(and(isNull(contacts.mergedInto), ...notSelf, eq(contactIdentities.kind, 'email'), eq(contactIdentities.value, email))),
  ]);
  return [...new Set([...byColumn, ...byIdentity].map((r) => r.id))];
}

export interface FoundDuplicate {
  otherId: string;
  reason: DuplicateReason;
  score: number;
}

/** Every candidate for one contact, as stored: one per other contact and reason. */
export async function findDuplicates(db: Db, c: ContactRow): Promise<FoundDuplicate[]> {
  const found: FoundDuplicate[] = [];
  if (c.mergedInto) return found;
  if (c.phoneE164) {
    for (const otherId of await contactsWithPhone(db, c.phoneE164, c.id)) {
      found.push({ otherId, reason: 'same_phone', score: DUPLICATE_SCORES.same_phone });
    }
  }
  if (c.email) {
    for (const otherId of await contactsWithEmail(db, c.email, c.id)) {
      found.push({ otherId, reason: 'same_email', score: DUPLICATE_SCORES.same_email });
    }
  }
  if (c.companyId && c.name) {
    const peers = await db
      .select({ id: contacts.id, name: contacts.name })
      .from(contacts)
      .where(and(eq(contacts.companyId, c.companyId), isNull(contacts.mergedInto), ne(contacts.id, c.id)))
      .orderBy(desc(contacts.createdAt))
      .limit(COMPANY_NAME_SCAN);
    for (const p of peers) {
      const similarity = nameSimilarity(c.name, p.name);
      if (similarity >= SIMILAR_NAME_THRESHOLD) {
        found.push({ otherId: p.id, reason: 'similar_name', score: similarNameScore(similarity) });
      }
    }
  }
  return found;
}

/** Look for and record the duplicates of a contact; a pair already flagged (or dismissed) stays as it is. */
export async function flagDuplicates(tx: Db, c: ContactRow): Promise<number> {
  const found = await findDuplicates(tx, c);
  if (found.length === 0) return 0;
  const rows = found.map((f) => {
    const [a, b] = orderedPair(c.id, f.otherId);
    return { contactA: a, contactB: b, reason: f.reason, score: f.score };
  });
  const inserted = await tx.insert(duplicateCandidates).values(rows).onConflictDoNothing().returning({ id: duplicateCandidates.id });
  return inserted.length;
}

// ---------------------------------------------------------------------------------------------
// The review list

export interface DuplicateView {
  id: string;
  contactIds: [string, string];
  score: number;
  reason: string;
  status: string;
  createdAt: string;
}

function encodeDupCursor(score: number, id: string): string {
  return packCursor(['d', String(score), id]);
}
function decodeDupCursor(cursor: string): { score: number; id: string } {
  const [tag, score, id] = unpackCursor(cursor) ?? [];
  const n = Number(score);
  if (tag !== 'd' || !isUuid(id) || score === '' || !Number.isFinite(n)) throw invalid('cursor', 'cursor is not one this API issued');
  return { score: n, id: id.toLowerCase() };
}

/** Candidates between live contacts, highest score first. */
export async function listDuplicates(
  db: Db,
  opts: { status?: string; contactId?: string; limit: number; cursor?: string },
): Promise<Page<DuplicateView>> {
  const a = alias(contacts, 'ca');
  const b = alias(contacts, 'cb');
  const where: SQL[] = [eq(duplicateCandidates.status, opts.status ?? 'open')];
  if (opts.contactId !== undefined) {
    if (!isUuid(opts.contactId)) return { data: [], nextCursor: null };
    where.push(or(eq(duplicateCandidates.contactA, opts.contactId), eq(duplicateCandidates.contactB, opts.contactId))!);
  }
  // Merged pairs are listed under status=merged; open ones only between live contacts.
  if ((opts.status ?? 'open') !== 'merged') where.push(isNull(a.mergedInto), isNull(b.mergedInto));
  if (opts.cursor) {
    const c = decodeDupCursor(opts.cursor);
    where.push(or(lt(duplicateCandidates.score, c.score), and(eq(duplicateCandidates.score, c.score), gt(duplicateCandidates.id, c.id)))!);
  }
  const rows = await db
    .select({
      id: duplicateCandidates.id,
      contactA: duplicateCandidates.contactA,
      contactB: duplicateCandidates.contactB,
      score: duplicateCandidates.score,
      reason: duplicateCandidates.reason,
      status: duplicateCandidates.status,
      createdAt: duplicateCandidates.createdAt,
    })
    .from(duplicateCandidates)
    .innerJoin(a, eq(a.id, duplicateCandidates.contactA))
    .innerJoin(b, eq(b.id, duplicateCandidates.contactB))
    .where(and(...where))
    .orderBy(desc(duplicateCandidates.score), asc(duplicateCandidates.id))
    .limit(opts.limit + 1);
  const more = rows.length > opts.limit;
  const page = more ? rows.slice(0, opts.limit) : rows;
  return {
    data: page.map((r) => ({
      id: r.id,
      contactIds: [r.contactA, r.contactB],
      score: r.score,
      reason: r.reason,
      status: r.status,
      createdAt: r.createdAt.toISOString(),
    })),
    nextCursor: more ? encodeDupCursor(page.at(-1)!.score, page.at(-1)!.id) : null,
  };
}
