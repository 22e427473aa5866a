// Media kept by Threadline: the bytes in a store (files under the data dir by default; the
// interface is what an S3-compatible bucket would implement), the description in Postgres.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from './client.js';
import { media, messages } from './schema.js';

export interface MediaStore {
  /** Keeps the bytes under their sha256 (the same bytes twice are kept once). */
  put(sha256: string, bytes: Buffer): Promise<void>;
  get(sha256: string): Promise<Buffer | null>;
}

/** Files named by their sha256, written atomically (temp file, then rename), private to the owner. */
export class FileMediaStore implements MediaStore {
  constructor(readonly dir: string) {}
  #file(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('a media name is a hex sha256');
    return path.join(this.dir, sha256.slice(0, 2), sha256);
  }
  async put(sha256: string, bytes: Buffer): Promise<void> {
    const file = this.#file(sha256);
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, bytes, { mode: 0o600 });
    await rename(tmp, file);
  }
  async get(sha256: string): Promise<Buffer | null> {
    try {
      return await readFile(this.#file(sha256));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }
}

export const sha256Hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Keeps a buyer's media for their message (once per WhatsApp media id) and links it. */
export async function keepInboundMedia(
  db: Db,
  store: MediaStore,
  input: { waMessageId: string; waMediaId: string; bytes: Buffer; mimeType: string; filename: string | null },
): Promise<{ id: string; sha256: string; size: number }> {
  const sha256 = sha256Hex(input.bytes);
  await store.put(sha256, input.bytes);
  await db
    .insert(media)
    .values({ sha256, mimeType: input.mimeType, size: input.bytes.length, filename: input.filename, waMediaId: input.waMediaId })
    .onConflictDoNothing({ target: media.waMediaId });
  const [row] = await db.select().from(media).where(eq(media.waMediaId, input.waMediaId));
  await db.update(messages).set({ mediaRef: row!.id, mediaError: null }).where(eq(messages.waMessageId, input.waMessageId));
  return { id: row!.id, sha256: row!.sha256, size: row!.size };
}

/** The message already has its media (a retry, a redelivery): nothing to download. */
export async function mediaAlreadyKept(db: Db, waMessageId: string): Promise<boolean> {
  const [m] = await db.select({ ref: messages.mediaRef }).from(messages).where(eq(messages.waMessageId, waMessageId));
  return !!m?.ref;
}

export async function recordMediaFailure(db: Db, input: { waMessageId: string; error: string }): Promise<void> {
  await db
    .update(messages)
    .set({ mediaError: input.error.slice(0, 1000) })
    .where(and(eq(messages.waMessageId, input.waMessageId), isNull(messages.mediaRef)));
}

export async function findMedia(db: Db, id: string) {
  const [row] = await db.select().from(media).where(eq(media.id, id));
  return row ?? null;
}

/** The conversations a media item appears in (for the token rules: an agent sees media of conversations it may see). */
export async function mediaConversations(db: Db, id: string): Promise<string[]> {
  const rows = await db.select({ conversationId: messages.conversationId }).from(messages).where(eq(messages.mediaRef, id)).limit(20);
  return rows.map((r) => r.conversationId);
}

/** An agent's upload, to send in a reply. */
export async function keepUploadedMedia(db: Db, store: MediaStore, input: { bytes: Buffer; mimeType: string; filename: string | null }) {
  const sha256 = sha256Hex(input.bytes);
  await store.put(sha256, input.bytes);
  const [row] = await db.insert(media).values({ sha256, mimeType: input.mimeType, size: input.bytes.length, filename: input.filename }).returning();
  return row!;
}

/** The WhatsApp message type a MIME type is sent as. */
export function mediaKind(mimeType: string): 'image' | 'video' | 'audio' | 'document' | 'sticker' {
  if (mimeType === 'image/webp') return 'sticker';
  if (mimeType.startsWith('image/')) return 'image';
  if (mimeType.startsWith('video/')) return 'video';
  if (mimeType.startsWith('audio/')) return 'audio';
  return 'document';
}
