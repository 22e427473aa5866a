// CSV import of contacts over HTTP on a real Postgres: 202 at once, progress readable while the
// rows are created, bad rows reported and skipped, the same identities and duplicate flags as
// POST /contacts; the row cap enforced while the file is read, one running import per token.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';
import { eq } from 'drizzle-orm';
import { MAX_IMPORT_ROWS } from '../../db/crm/imports.js';
import { agents, companies, contactIdentities, contactImports, contacts } from '../../db/schema.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack({ worker: false });
});
afterAll(async () => {
  await s?.stop();
});

const postCsv = (csv: string, query = '') =>
  s.api(`/api/v1/contacts/import${query}`, { method: 'POST', body: csv, headers: { 'content-type': 'text/csv; charset=utf-8' } });

/** Poll the import until it ends, recording every state seen. */
async function follow(id: string, timeoutMs = 30_000) {
  const seen: any[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await s.api(`/api/v1/contacts/imports/${id}`);
    expect(r.status).toBe(200);
    seen.push(r.json);
    if (r.json.status !== 'running') return { final: r.json, seen };
    if (Date.now() > deadline) throw new Error(`import ${id} still running: ${JSON.stringify(r.json)}`);
    await new Promise((res) => setTimeout(res, 10));
  }
}

const n4 = (i: number) => String(i).padStart(4, '0');

/**
 * A text/csv POST over a raw connection that writes `parts` and leaves the body open: the answer
 * comes (or not) while the client could still send more. `close()` ends the request.
 */
function postOpen(parts: string[], headers: Record<string, string> = {}) {
  const req = http.request(new URL('/api/v1/contacts/import', s.baseUrl), {
    method: 'POST',
    headers: { ...s.auth, 'content-type': 'text/csv', ...headers },
  });
  req.flushHeaders();
  const answer = new Promise<{ status: number; json: any; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, json: text ? JSON.parse(text) : undefined, headers: res.headers }));
    });
    req.on('error', reject);
  });
  for (const p of parts) req.write(p);
  return { answer, close: () => new Promise<void>((r) => req.end(r)) };
}

describe('CSV import', () => {
  it('50 rows with 5 bad ones: 45 contacts, 5 row errors naming row and field, companies found or created', async () => {
    const [agent] = await s.db.db.insert(agents).values({ name: 'Import Owner', team: 'sales' }).returning();
    // An existing company, found by name whatever its case and spacing.
    const [acme] = await s.db.db.insert(companies).values({ name: 'Acme Trading' }).returning();
    // An existing contact with the number one row repeats: flagged, not merged.
    const existing = await s.api('/api/v1/contacts', { method: 'POST', body: JSON.stringify({ name: 'Already Here', phone: '+966553000007' }) });
    expect(existing.status).toBe(201);

    const lines = ['Name,Phone,Country,E-mail,Company,Owner'];
    const bad = new Map<number, string>(); // file row -> field
    for (let i = 0; i < 50; i++) {
      const row = i + 2; // the header is row 1
      let cells = [`Person ${n4(i)}`, `+966 55 300 ${n4(i)}`, '', `person${i}@import.test`, i % 2 ? 'acme trading' : ' Gulf  Supplies ', i % 10 === 0 ? 'import owner' : ''];
      if (i === 3) (cells[0] = ''), bad.set(row, 'name');
      if (i === 11) (cells[1] = '055 300 0011'), bad.set(row, 'country'); // national, no country
      if (i === 19) (cells[3] = 'not-an-email'), bad.set(row, 'email');
      if (i === 27) (cells[1] = '+966 12'), bad.set(row, 'phone');
      if (i === 35) (cells[5] = 'Nobody'), bad.set(row, 'owner');
      if (i === 40) cells = [`"Comma, Quoted"`, '050 300 0040', 'AE', '', 'Acme Trading', ''];
      if (i === 41) cells[3] = 'PERSON40@import.test'; // same e-mail as another row (below)
      if (i === 42) cells[3] = 'person40@import.test';
      lines.push(cells.join(','));
    }
    const contactsBefore = (await s.db.db.select({ id: contacts.id }).from(contacts)).length;
    const r = await postCsv(lines.join('\r\n') + '\r\n');
    expect(r.status, JSON.stringify(r.json)).toBe(202);
    expect(r.json).toMatchObject({ id: expect.any(String), status: 'running', total: 50 });

    const { final, seen } = await follow(r.json.id);
    expect(final).toMatchObject({ status: 'done', total: 50, processed: 50, created: 45, failed: 5, finishedAt: expect.any(String) });
    for (let i = 1; i < seen.length; i++) expect(seen[i].processed).toBeGreaterThanOrEqual(seen[i - 1].processed);
    expect(final.errors.map((e: any) => [e.row, e.field])).toEqual([...bad.entries()]);
    for (const e of final.errors) expect(e.message).toEqual(expect.any(String));
    expect((await s.db.db.select({ id: contacts.id }).from(contacts)).length).toBe(contactsBefore + 45);

    // Companies: the existing one found, the other created once.
    const cos = await s.db.db.select().from(companies);
    expect(cos.map((c) => c.name).sort()).toEqual(['Acme Trading', 'Gulf Supplies']);
    const acmeContacts = (await s.api(`/api/v1/contacts?companyId=${acme!.id}&limit=200`)).json.data;
    // Odd rows (25) name Acme, the 5 bad rows among them; row 40 joins Acme too.
    expect(acmeContacts.length).toBe(21);
    // The same identities as the API.
    const p0 = (await s.api(`/api/v1/contacts?phone=${encodeURIComponent('+966553000000')}`)).json.data;
    expect(p0).toHaveLength(1);
    expect(p0[0]).toMatchObject({ name: 'Person 0000', phone: '+966553000000', country: 'SA', timezone: 'Asia/Riyadh', language: 'ar', ownerAgentId: agent!.id, email: 'person0@import.test' });
    expect(p0[0].identities).toEqual([
      { kind: 'phone', value: '+966553000000' },
      { kind: 'email', value: 'person0@import.test' },
    ]);
    const quoted = (await s.api(`/api/v1/contacts?q=${encodeURIComponent('Comma, Quoted')}`)).json.data;
    expect(quoted).toEqual([expect.objectContaining({ phone: '+971503000040', country: 'AE', companyId: acme!.id })]);

    // The same duplicate detection: the number of an existing contact, an e-mail twice in the file.
    const dups = (await s.api('/api/v1/contacts/duplicates?limit=200')).json.data;
    const p7 = (await s.api(`/api/v1/contacts?phone=${encodeURIComponent('+966553000007')}`)).json.data.map((c: any) => c.id);
    expect(p7).toHaveLength(2);
    expect(dups).toContainEqual(expect.objectContaining({ contactIds: [...p7].sort(), reason: 'same_phone' }));
    const mail = (await s.api(`/api/v1/contacts?email=person40@import.test`)).json.data.map((c: any) => c.id);
    expect(mail).toHaveLength(2);
    expect(dups).toContainEqual(expect.objectContaining({ contactIds: [...mail].sort(), reason: 'same_email' }));
  });

  it('progress can be watched while a larger file is imported', async () => {
    const lines = ['name;phone'];
    for (let i = 0; i < 300; i++) lines.push(`Bulk ${n4(i)};055 310 ${n4(i)}`);
    const r = await postCsv(lines.join('\n'), '?defaultCountry=sa');
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({ status: 'running', total: 300, processed: 0, defaultCountry: 'SA' });
    const { final, seen } = await follow(r.json.id, 60_000);
    expect(final).toMatchObject({ status: 'done', processed: 300, created: 300, failed: 0, errors: [] });
    const midway = seen.filter((x) => x.status === 'running' && x.processed > 0 && x.processed < 300);
    expect(midway.length).toBeGreaterThan(0);
    for (let i = 1; i < seen.length; i++) expect(seen[i].processed).toBeGreaterThanOrEqual(seen[i - 1].processed);
    const one = (await s.api(`/api/v1/contacts?phone=${encodeURIComponent('+966553100299')}`)).json.data;
    expect(one).toEqual([expect.objectContaining({ name: 'Bulk 0299', country: 'SA' })]);
  });

  it('takes JSON { csv, defaultCountry } too; the default only applies to national numbers', async () => {
    const csv = 'name,phone,country\nJson One,050 320 0001,\nJson Two,+966 55 320 0002,\nJson Three,0501234567,XX\n';
    const r = await s.api('/api/v1/contacts/import', { method: 'POST', body: JSON.stringify({ csv, defaultCountry: 'AE' }) });
    expect(r.status, JSON.stringify(r.json)).toBe(202);
    const { final } = await follow(r.json.id);
    expect(final).toMatchObject({ status: 'done', total: 3, created: 2, failed: 1, errors: [expect.objectContaining({ row: 4, field: 'country' })] });
    const two = (await s.api(`/api/v1/contacts?q=Json%20Two`)).json.data[0];
    expect(two).toMatchObject({ phone: '+966553200002', country: 'SA' });
    const one = (await s.api(`/api/v1/contacts?q=Json%20One`)).json.data[0];
    expect(one).toMatchObject({ phone: '+971503200001', country: 'AE' });
  });

  it('refuses files it cannot use, with 422 naming the problem; unknown import ids are 404', async () => {
    const noName = await postCsv('phone,email\n+966553300001,a@b.co\n');
    expect(noName.status).toBe(422);
    expect(noName.json.error.message).toMatch(/name/);
    expect(noName.json.error.details).toEqual([expect.objectContaining({ path: '/csv' })]);
    expect((await postCsv('')).status).toBe(422);
    const badQuote = await postCsv('name,phone\n"unterminated,+966553300002\n');
    expect(badQuote.status).toBe(422);
    const badCountry = await postCsv('name\nX\n', '?defaultCountry=Saudi');
    expect(badCountry.status).toBe(422);
    expect(badCountry.json.error.details).toEqual([expect.objectContaining({ path: '/defaultCountry' })]);
    expect((await s.api('/api/v1/contacts/import', { method: 'POST', body: JSON.stringify({ nope: 1 }) })).status).toBe(422);
    expect((await s.api('/api/v1/contacts/imports/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await s.api('/api/v1/contacts/imports/nope')).status).toBe(404);
    // A header alone is an import of nothing, done at once.
    const empty = await postCsv('name,phone\n');
    expect(empty.status).toBe(202);
    expect(empty.json).toMatchObject({ status: 'done', total: 0, processed: 0 });
  });

  it('numbers rows as a spreadsheet shows the file; blank rows are skipped, not imported', async () => {
    const r = await postCsv('\uFEFFname,email\r\n\r\nBlank Line Before,ok1@blank.test\r\n,missing@blank.test\r\n , \r\n"Multi\r\nLine",x@blank.test\r\nLast,bad@\r\n');
    expect(r.status).toBe(202);
    const { final } = await follow(r.json.id);
    expect(final).toMatchObject({ total: 4, created: 2, failed: 2 });
    expect(final.errors.map((e: any) => [e.row, e.field])).toEqual([
      [4, 'name'],
      [7, 'email'],
    ]);
    const ids = await s.db.db.select().from(contactIdentities).where(eq(contactIdentities.value, 'ok1@blank.test'));
    expect(ids).toHaveLength(1);
  });
});

describe('CSV import limits', () => {
  it(`a file of more than ${MAX_IMPORT_ROWS} rows is refused (422 naming csv) as soon as the row over the cap is read, while it is still being sent`, async () => {
    const rows = Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => `Capped ${i},\n`);
    // The start of one row more, and the body left open: the answer can only come from reading,
    // not from the end of the file.
    const up = postOpen(['name,phone\n', rows.join(''), 'Capped']);
    const r = await up.answer;
    expect(r.status).toBe(422);
    expect(r.json.error.message).toMatch(new RegExp(`at most ${MAX_IMPORT_ROWS} rows per import; row ${MAX_IMPORT_ROWS + 2} is one more`));
    expect(r.json.error.details).toEqual([expect.objectContaining({ path: '/csv' })]);
    // The rest is still accepted (and dropped), and nothing was left behind: the token can import at once.
    await up.close();
    expect((await s.db.db.select().from(contactImports).where(eq(contactImports.status, 'running'))).length).toBe(0);
    const next = await postCsv('name\nAfter The Cap\n');
    expect(next.status, JSON.stringify(next.json)).toBe(202);
    expect((await follow(next.json.id)).final).toMatchObject({ status: 'done', created: 1 });
  });

  it('one running import per token: a second one is 409 import_running naming it, also when both race', async () => {
    const lines = ['name,phone'];
    for (let i = 0; i < 200; i++) lines.push(`Serial ${n4(i)},+966 55 340 ${n4(i)}`);
    const first = await postCsv(lines.join('\n'));
    expect(first.status).toBe(202);
    const second = await postCsv('name\nToo Soon\n');
    expect(second.status).toBe(409);
    expect(second.json.error).toMatchObject({ code: 'import_running', details: { importId: first.json.id } });
    expect(second.json.error.message).toContain(first.json.id);
    expect(second.json.error.message).toContain(`/api/v1/contacts/imports/${first.json.id}`);
    // The JSON form is refused the same way.
    expect((await s.api('/api/v1/contacts/import', { method: 'POST', body: JSON.stringify({ csv: 'name\nX\n' }) })).status).toBe(409);
    expect((await follow(first.json.id, 60_000)).final).toMatchObject({ status: 'done', created: 200 });
    expect((await s.api(`/api/v1/contacts?q=${encodeURIComponent('Too Soon')}`)).json.data).toEqual([]);

    // Eight at once: the partial unique index lets exactly one through. Each file is long enough
    // that the winner is still running when the slowest racer arrives (a loaded machine).
    const racerCsv = (k: number) => ['name,email', ...Array.from({ length: 150 }, (_, i) => `Racer ${k}-${i},racer${k}-${i}@race.test`)].join('\n');
    const racers = await Promise.all(Array.from({ length: 8 }, (_, k) => postCsv(racerCsv(k))));
    const won = racers.filter((r) => r.status === 202);
    expect(won).toHaveLength(1);
    for (const r of racers.filter((x) => x.status !== 202)) {
      expect(r.status).toBe(409);
      expect(r.json.error.details.importId).toBe(won[0]!.json.id);
    }
    expect((await follow(won[0]!.json.id, 60_000)).final).toMatchObject({ status: 'done', created: 150 });
  });

  it('413 for a CSV over 20 MiB, declared or sent; the docs show both body forms', async () => {
    const declared = postOpen([], { 'content-length': String(21 * 1024 * 1024) });
    const r = await declared.answer;
    expect(r.status).toBe(413);
    expect(r.json.error.code).toBe('body_too_large');
    expect(r.headers.connection).toBe('close');

    // Chunked: 20 MiB of good rows (fewer than the cap) and one byte more; then the client waits.
    const row = (i: number) => `Big ${i},,${'x'.repeat(250)}\n`;
    const parts = ['name,phone,notes\n'];
    let size = parts[0]!.length;
    while (size < 20 * 1024 * 1024) size += (parts[parts.length] = row(parts.length)).length;
    const body = parts.join('').slice(0, 20 * 1024 * 1024 + 1);
    expect(Buffer.byteLength(body)).toBe(20 * 1024 * 1024 + 1);
    const sent = postOpen([body]);
    const t = await sent.answer;
    expect(t.status).toBe(413);
    expect(t.json.error.code).toBe('body_too_large');
    expect((await s.db.db.select().from(contactImports).where(eq(contactImports.status, 'running'))).length).toBe(0);

    const docs = (await fetch(`${s.baseUrl}/docs/json`).then((x) => x.json())) as any;
    const content = docs.paths['/api/v1/contacts/import'].post.requestBody.content;
    expect(Object.keys(content).sort()).toEqual(['application/json', 'text/csv']);
    expect(docs.paths['/api/v1/contacts/import'].post.responses).toHaveProperty('409');
  });
});
