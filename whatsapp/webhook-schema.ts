// The WhatsApp Cloud API webhook, as zod schemas: the typed model the parser reads with.
// Core fields (what makes a message of its type meaningful) are required; every optional field
// is lenient (a wrong type is dropped, never fatal), so a message fails only when its core is broken.
import { z } from 'zod';

const optStr = () => z.string().optional().catch(undefined);
const optBool = () => z.boolean().optional().catch(undefined);
/** A number, or a string holding one (`timestamp` is a string, `code` a number...). */
const numLike = z.union([
  z.number(),
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/)
    .transform(Number)
    .pipe(z.number()),
]);
const optNum = () => numLike.optional().catch(undefined);
/** An id Meta sends as a string; a number is taken as its decimal string. */
const optIdLike = () => z.union([z.string(), z.number().transform(String)]).optional().catch(undefined);

/** An array that keeps the elements matching `item` and drops the others. */
function lenientArray<T extends z.ZodType>(item: T) {
  return z
    .array(z.unknown())
    .transform((arr) => arr.flatMap((v) => {
      const r = item.safeParse(v);
      return r.success ? [r.data as z.output<T>] : [];
    }))
    .optional()
    .catch(undefined);
}

// ---- envelope -------------------------------------------------------------------------------

export const envelopeSchema = z.looseObject({
  object: z.string(),
  entry: z.array(z.unknown()),
});

export const entrySchema = z.looseObject({
  id: optIdLike(),
  time: optNum(),
  changes: z.array(z.unknown()).optional(),
});

export const changeSchema = z.looseObject({
  field: z.string().min(1),
  value: z.unknown(),
});

export const metadataSchema = z.looseObject({
  display_phone_number: optIdLike(),
  phone_number_id: optIdLike(),
});

/** `contacts[]` of a change: who sent the messages (or received, for statuses). */
export const contactSchema = z.looseObject({
  wa_id: optStr(),
  user_id: optStr(),
  parent_user_id: optStr(),
  username: optStr(),
  profile: z.looseObject({ name: optStr(), username: optStr() }).optional().catch(undefined),
});

export const messagesValueSchema = z.looseObject({
  messaging_product: optStr(),
  metadata: metadataSchema.optional().catch(undefined),
  contacts: lenientArray(contactSchema),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
});

// ---- shared parts ---------------------------------------------------------------------------

export const errorSchema = z.looseObject({
  code: optNum(),
  title: optStr(),
  message: optStr(),
  href: optStr(),
  error_data: z.looseObject({ details: optStr() }).optional().catch(undefined),
});
export const errorsSchema = lenientArray(errorSchema);

export const contextSchema = z.looseObject({
  id: optStr(),
  from: optStr(),
  from_user_id: optStr(),
  forwarded: optBool(),
  frequently_forwarded: optBool(),
  referred_product: z
    .looseObject({ catalog_id: optStr(), product_retailer_id: optStr() })
    .optional()
    .catch(undefined),
});

export const referralSchema = z.looseObject({
  source_url: optStr(),
  source_id: optStr(),
  source_type: optStr(),
  headline: optStr(),
  body: optStr(),
  media_type: optStr(),
  image_url: optStr(),
  video_url: optStr(),
  thumbnail_url: optStr(),
  ctwa_clid: optStr(),
  welcome_message: z.looseObject({ text: optStr() }).optional().catch(undefined),
});

/** What every inbound message has around its typed part; never fails for an object. */
export const messageBaseSchema = z.looseObject({
  id: optStr(),
  from: optStr(),
  from_user_id: optStr(),
  from_parent_user_id: optStr(),
  timestamp: optNum(),
  type: optStr(),
  context: contextSchema.optional().catch(undefined),
  referral: referralSchema.optional().catch(undefined),
  errors: errorsSchema,
});

// ---- typed message parts (`message[type]`) ------------------------------------------------------

const media = {
  id: z.string().min(1),
  mime_type: optStr(),
  sha256: optStr(),
  url: optStr(),
};

export const textSchema = z.looseObject({ body: z.string(), preview_url: optBool() });
export const imageSchema = z.looseObject({ ...media, caption: optStr() });
export const videoSchema = z.looseObject({ ...media, caption: optStr() });
export const audioSchema = z.looseObject({ ...media, voice: optBool() });
export const documentSchema = z.looseObject({ ...media, caption: optStr(), filename: optStr() });
export const stickerSchema = z.looseObject({ ...media, animated: optBool() });

export const locationSchema = z.looseObject({
  latitude: numLike,
  longitude: numLike,
  name: optStr(),
  address: optStr(),
  url: optStr(),
});

export const contactCardSchema = z.looseObject({
  name: z
    .looseObject({
      formatted_name: optStr(),
      first_name: optStr(),
      middle_name: optStr(),
      last_name: optStr(),
    })
    .optional()
    .catch(undefined),
  phones: lenientArray(z.looseObject({ phone: optStr(), wa_id: optStr(), type: optStr() })),
});
export const contactsSchema = z.array(contactCardSchema).min(1);

export const buttonReplySchema = z.looseObject({ id: z.string(), title: z.string() });
export const listReplySchema = z.looseObject({ id: z.string(), title: z.string(), description: optStr() });
export const nfmReplySchema = z.looseObject({ response_json: z.string(), body: optStr(), name: optStr() });

const interactiveReplySchemas: Record<string, z.ZodType> = {
  button_reply: buttonReplySchema,
  list_reply: listReplySchema,
  nfm_reply: nfmReplySchema,
};

export const interactiveSchema = z.looseObject({ type: z.string().min(1) }).superRefine((v, ctx) => {
  const sub = interactiveReplySchemas[v.type];
  if (!sub) return; // another interactive reply kind: kept as `interactive` with its type
  const r = sub.safeParse((v as Record<string, unknown>)[v.type]);
  if (!r.success) {
    for (const issue of r.error.issues) {
      ctx.addIssue({ code: 'custom', message: issue.message, path: [v.type, ...issue.path] });
    }
  }
});

export const buttonSchema = z
  .looseObject({ payload: optStr(), text: optStr() })
  .refine((v) => v.payload !== undefined || v.text !== undefined, { message: 'a button needs a text or a payload' });

export const reactionSchema = z.looseObject({ message_id: z.string().min(1), emoji: optStr() });

export const orderSchema = z.looseObject({
  catalog_id: optStr(),
  text: optStr(),
  product_items: z.array(
    z.looseObject({
      product_retailer_id: optStr(),
      quantity: optNum(),
      item_price: optNum(),
      currency: optStr(),
    }),
  ),
});

export const systemSchema = z
  .looseObject({
    type: optStr(),
    body: optStr(),
    wa_id: optStr(),
    new_wa_id: optStr(),
    user_id: optStr(),
    new_user_id: optStr(),
    customer: optStr(),
  })
  .refine((v) => v.type !== undefined || v.body !== undefined, { message: 'a system message needs a type or a body' });

/** The message types with a typed part that must be present and valid. */
export const messagePartSchemas = {
  text: textSchema,
  image: imageSchema,
  audio: audioSchema,
  video: videoSchema,
  document: documentSchema,
  sticker: stickerSchema,
  location: locationSchema,
  contacts: contactsSchema,
  interactive: interactiveSchema,
  button: buttonSchema,
  reaction: reactionSchema,
  order: orderSchema,
  system: systemSchema,
} as const;

export type TypedMessageType = keyof typeof messagePartSchemas;

/** Types that carry no required typed part. `unknown` is the older name of `unsupported`. */
export const partlessMessageTypes: ReadonlySet<string> = new Set(['unsupported', 'unknown', 'request_welcome']);

export const isTypedMessageType = (t: string): t is TypedMessageType =>
  Object.prototype.hasOwnProperty.call(messagePartSchemas, t);

// ---- statuses -----------------------------------------------------------------------------

export const statusSchema = z.looseObject({
  id: z.string().min(1),
  status: z.string().min(1),
  timestamp: optNum(),
  recipient_id: optStr(),
  recipient_user_id: optStr(),
  recipient_parent_user_id: optStr(),
  biz_opaque_callback_data: optStr(),
  conversation: z
    .looseObject({
      id: optStr(),
      origin: z.looseObject({ type: optStr() }).optional().catch(undefined),
      expiration_timestamp: optNum(),
    })
    .optional()
    .catch(undefined),
  pricing: z
    .looseObject({ billable: optBool(), pricing_model: optStr(), category: optStr(), type: optStr() })
    .optional()
    .catch(undefined),
  errors: errorsSchema,
});

// ---- the typed model ------------------------------------------------------------------------

export type CloudApiEnvelope = z.output<typeof envelopeSchema>;
export type CloudApiEntry = z.output<typeof entrySchema>;
export type CloudApiChange = z.output<typeof changeSchema>;
export type CloudApiMessagesValue = z.output<typeof messagesValueSchema>;
export type CloudApiContact = z.output<typeof contactSchema>;
export type CloudApiError = z.output<typeof errorSchema>;
export type CloudApiContext = z.output<typeof contextSchema>;
export type CloudApiReferral = z.output<typeof referralSchema>;
export type CloudApiMessageBase = z.output<typeof messageBaseSchema>;
export type CloudApiStatus = z.output<typeof statusSchema>;
export type CloudApiMessagePart<T extends TypedMessageType> = z.output<(typeof messagePartSchemas)[T]>;

/** `path: message` of the first issue, for reasons and error messages. */
export function firstIssue(error: z.ZodError, prefix = ''): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  return `${path || '(root)'}: ${issue.message}`;
}
