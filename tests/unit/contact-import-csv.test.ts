// The streaming CSV reader of contact imports: the same rows however the bytes are cut, the row cap
// enforced while reading (the rest of the source is never pulled), and no long hold of the event loop.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CrmError } from '../../db/crm/errors.js';
import { parseContactsCsv, readContactsCsv, type ParsedImport } from '../../db/crm/imports.js';

/** The bytes of `text` cut at the given offsets. */
function* cut(text: string, offsets: number[]): Generator<Buffer> {
  const bytes = Buffer.from(text, 'utf8');
  let at = 0;
  for (const o of [...new Set(offsets)].filter((o) => o > 0 && o < bytes.length).sort((a, b) => a - b)) {
    yield bytes.subarray(at, o);
    at = o;
  }
  yield bytes.subarray(at);
}

async function refusal(p: Promise<unknown>): Promise<CrmError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CrmError);
  expect((err as CrmError).field).toBe('csv');
  return err as CrmError;
}

const SAMPLES = [
  '\uFEFFname,email\r\n\r\nBlank Line Before,ok1@blank.test\r\n,missing@blank.test\r\n , \r\n"Multi\r\nLine",x@blank.test\r\nLast,bad@\r\n',
  'الاسم;الهاتف;الدولة\nمحمد العتيبي;055 300 0001;SA\n"قاسم; الشمري";+966553000002;\n',
  'Full Name\tMobile\tCompany\tNotes\nAna Souza\t+55 11 96000 0001\tLoja Azul\t"tab\tinside"\n\n\nÉmile Zola\t\tLoja Azul\t😀 emoji\n',
  'Name,Phone,Name\nFirst,+1 415 555 0100,Second\n,+1 415 555 0101,Only Second\n',
];

describe('readContactsCsv', () => {
  it('numbers rows as a spreadsheet shows the file, maps header aliases, sniffs the delimiter', async () => {
    const a = await parseContactsCsv(SAMPLES[0]!);
    expect(a.columns).toEqual(['name', 'email']);
    expect(a.rows.map((r) => [r.row, r.fields.name ?? null, r.fields.email ?? null])).toEqual([
      [3, 'Blank Line Before', 'ok1@blank.test'],
      [4, null, 'missing@blank.test'],
      [6, 'Multi\r\nLine', 'x@blank.test'],
      [7, 'Last', 'bad@'],
    ]);
    const b = await parseContactsCsv(SAMPLES[1]!);
    expect(b.columns).toEqual(['name', 'phone', 'country']);
    expect(b.rows[1]).toEqual({ row: 3, fields: { name: 'قاسم; الشمري', phone: '+966553000002' } });
    const c = await parseContactsCsv(SAMPLES[2]!);
    expect(c.columns).toEqual(['name', 'phone', 'company', null]);
    expect(c.rows.map((r) => r.row)).toEqual([2, 5]);
    const d = await parseContactsCsv(SAMPLES[3]!);
    expect(d.rows.map((r) => r.fields.name)).toEqual(['First', 'Only Second']);
  });

  it('the same rows however the bytes are cut (inside UTF-8 sequences, CRLF, quotes, the BOM)', async () => {
    const whole = await Promise.all(SAMPLES.map((s) => parseContactsCsv(s)));
    // Every single byte on its own.
    for (const [i, s] of SAMPLES.entries()) {
      const bytes = Buffer.from(s);
      expect(await readContactsCsv(cut(s, [...bytes.keys()]))).toEqual(whole[i]);
    }
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: SAMPLES.length - 1 }), fc.array(fc.nat({ max: 400 }), { maxLength: 12 }), async (i, offsets) => {
        const got: ParsedImport = await readContactsCsv(cut(SAMPLES[i]!, offsets));
        expect(got).toEqual(whole[i]);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses what it cannot use, naming csv', async () => {
    expect((await refusal(parseContactsCsv(''))).message).toMatch(/empty/);
    expect((await refusal(parseContactsCsv('\uFEFF \r\n\t\n'))).message).toMatch(/empty/);
    expect((await refusal(parseContactsCsv('phone,email\n+966553300001,a@b.co\n'))).message).toMatch(/no name column/);
    expect((await refusal(parseContactsCsv('name,phone\n"unterminated,+966553300002\n'))).message).toMatch(/cannot be read/);
    expect((await refusal(parseContactsCsv(`name\n"${'x'.repeat(70_000)}"\n`))).message).toMatch(/cannot be read/);
    // A header alone is an import of nothing.
    expect(await parseContactsCsv('name,phone\n')).toEqual({ columns: ['name', 'phone'], rows: [] });
  });

  it('U+0000 in a cell becomes U+FFFD (Postgres refuses it in text)', async () => {
    const { rows } = await readContactsCsv([Buffer.from('name,email\nA\u0000B,x@y.co\n')]);
    expect(rows[0]!.fields.name).toBe('A\uFFFDB');
  });

  it('stops reading at the first row over the cap: the rest of the source is never pulled', async () => {
    let pulled = 0;
    let closed = false;
    async function* source() {
      try {
        yield Buffer.from('name,phone\n');
        for (let i = 0; i < 100_000; i++) {
          pulled++;
          yield Buffer.from(`Person ${i},+9665530${String(i).padStart(5, '0')}\n`);
        }
      } finally {
        closed = true;
      }
    }
    const err = await refusal(readContactsCsv(source(), { maxRows: 100 }));
    expect(err.message).toMatch(/at most 100 rows per import; row 102 is one more/);
    // The parser may hold the last bytes of a chunk until the next one: at most one chunk more.
    expect(pulled).toBeLessThanOrEqual(102);
    expect(closed).toBe(true);
    // Exactly the cap is fine.
    const lines = ['name', ...Array.from({ length: 100 }, (_, i) => `P${i}`)].join('\n');
    expect((await parseContactsCsv(lines, { maxRows: 100 })).rows).toHaveLength(100);
    expect((await refusal(parseContactsCsv(`${lines}\nP100`, { maxRows: 100 }))).message).toMatch(/at most 100 rows/);
  });

  it('a 20 MiB file (as a string, or as one big buffer) never holds the event loop for long', async () => {
    const row = (i: number) => `Person ${i},+9665${String(i).padStart(8, '0')},SA,person${i}@example.test,Company ${i % 500},,ar,Asia/Riyadh,${'note '.repeat(26)}\n`;
    const parts = ['name,phone,country,email,company,owner,language,timezone,notes\n'];
    let size = parts[0]!.length;
    for (let i = 0; size < 20 * 1024 * 1024; i++) size += (parts[parts.length] = row(i)).length;
    const text = parts.join('');
    const rows = parts.length - 1;
    expect(rows).toBeLessThan(100_000);

    for (const source of ['string', 'buffer'] as const) {
      const big = source === 'buffer' ? Buffer.from(text) : undefined;
      // Turns of the loop while the parse runs, and the longest wait between two (a parse that holds
      // the loop gets one turn, after it all).
      let turns = 0;
      let maxGap = 0;
      let last = performance.now();
      const tick = setInterval(() => {
        const now = performance.now();
        maxGap = Math.max(maxGap, now - last);
        last = now;
        turns++;
      }, 1);
      const t0 = performance.now();
      const parsed = big ? await readContactsCsv([big]) : await parseContactsCsv(text);
      const took = performance.now() - t0;
      clearInterval(tick);
      expect(parsed.rows).toHaveLength(rows);
      expect(parsed.rows.at(-1)!.fields).toMatchObject({ name: `Person ${rows - 1}`, timezone: 'Asia/Riyadh' });
      const what = `${source}: parse took ${took.toFixed(0)} ms in ${turns} turns, the loop held up to ${maxGap.toFixed(1)} ms`;
      expect(turns, what).toBeGreaterThan(100);
      // 100 ms on a quiet machine; on a busy one (the parse itself slower) a tenth of the parse.
      expect(maxGap, what).toBeLessThan(Math.max(100, took / 10));
    }
  });
});
