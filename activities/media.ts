// A buyer's media (image, document, audio, video, sticker): fetched through the Graph API
// (`GET /{media-id}`, then the download URL with the access token), checked against the sha256
// WhatsApp gave, kept in the media store and linked to the message. Retried by Temporal; the
// workflow records a download that never succeeds on the message.
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Db } from '../db/client.js';
import { keepInboundMedia, mediaAlreadyKept, recordMediaFailure, sha256Hex, type MediaStore } from '../db/media.js';
import type { GraphClient } from '../whatsapp/graph-client.js';

const MAX_MEDIA_BYTES = 100 * 1024 * 1024;

export function createMediaActivities(db: Db, graph: GraphClient | undefined, store: MediaStore | undefined) {
  return {
    async fetchInboundMedia(input: { waMessageId: string; mediaId: string; mimeType?: string | null; filename?: string | null }): Promise<{ mediaRef: string } | { skipped: true }> {
      if (await mediaAlreadyKept(db, input.waMessageId)) return { skipped: true };
      if (!graph || !store) throw ApplicationFailure.nonRetryable('no WhatsApp Graph API or media store is configured for this worker', 'NotConfigured');
      const signal = Context.current().cancellationSignal;
      const info = await graph.getMedia(input.mediaId, { signal });
      const bytes = await graph.downloadMedia(info.url, { signal, maxBytes: MAX_MEDIA_BYTES });
      // WhatsApp's sha256 (hex or base64, depending on where it comes from) must match what arrived.
      const got = sha256Hex(bytes);
      if (info.sha256 && info.sha256 !== got && info.sha256 !== Buffer.from(got, 'hex').toString('base64')) {
        throw ApplicationFailure.retryable(`the downloaded media does not match its sha256 (${info.sha256})`, 'MediaChecksum');
      }
      const kept = await keepInboundMedia(db, store, {
        waMessageId: input.waMessageId,
        waMediaId: input.mediaId,
        bytes,
        mimeType: info.mimeType ?? input.mimeType ?? 'application/octet-stream',
        filename: input.filename ?? null,
      });
      return { mediaRef: kept.id };
    },
    async recordMediaFailure(input: { waMessageId: string; error: string }): Promise<void> {
      await recordMediaFailure(db, input);
    },
  };
}
