// /contacts: create, read, change, list, duplicates to review, merge.
import { contactEngagement } from '../../db/crm/engagement.js';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../db/client.js';
import { createContact, getContact, listContacts, updateContact } from '../../db/crm/contacts.js';
import { listDuplicates } from '../../db/crm/duplicates.js';
import { mergeContacts } from '../../db/crm/merge.js';
import { principalOf } from '../auth/access.js';
import { HttpError } from '../errors.js';
import { BodyId, ErrorBody, IdParams, Nullable, Paging } from './schemas.js';

const NullableString = (opts: Parameters<typeof Type.String>[0] = {}) => Type.Optional(Nullable(Type.String(opts)));

export const Identity = Type.Object({
  kind: Type.String({ description: 'wa_id | user_id | phone | email' }),
  value: Type.String({ description: 'wa_id: digits as WhatsApp sends them; phone: E.164; email: lower-cased' }),
});

/** How this buyer engages (db/crm/engagement.ts): computed from their messages on every read. */
const EngagementSchema = Type.Object({
  replyLatencyMedianSec: Nullable(Type.Number({ description: "median of the buyer's answers to our messages, seconds" })),
  replyLatencySamples: Type.Integer(),
  turnsPerConversation: Nullable(Type.Number()),
  clarificationRate: Nullable(Type.Number({ description: 'share of their turns we answered with a question' })),
  readWithoutReplyRate: Nullable(Type.Number({ description: 'share of our messages they read that got nothing back' })),
  lastInteractionAt: Nullable(Type.String()),
});

export const Contact = Type.Object({
  id: Type.String(),
  name: Nullable(Type.String()),
  profileName: Nullable(Type.String({ description: 'the name WhatsApp shows for the sender' })),
  phone: Nullable(Type.String({ description: 'E.164' })),
  country: Nullable(Type.String({ description: 'ISO 3166 alpha-2' })),
  email: Nullable(Type.String()),
  companyId: Nullable(Type.String()),
  ownerAgentId: Nullable(Type.String()),
  timezone: Nullable(Type.String({ description: 'IANA time zone' })),
  language: Nullable(Type.String({ description: 'BCP-47' })),
  optedOut: Type.Boolean(),
  marketingOptIn: Type.Boolean({ description: "WhatsApp's marketing preference (user_preferences stop/resume); false stops automated sends" }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  lastContactAt: Nullable(Type.String({ description: 'the latest message either way (kept as messages are stored)' })),
  lastInboundAt: Nullable(Type.String({ description: "the buyer's latest message" })),
  lastOutboundAt: Nullable(Type.String({ description: 'our latest message (agent or automation)' })),
  identities: Type.Array(Identity),
});

export const MergedContact = Type.Object(
  { id: Type.String(), mergedInto: Type.String({ description: 'the live contact this one was merged into' }) },
  { description: 'a contact merged into another' },
);

const ContactFields = {
  phone: NullableString({ maxLength: 64, description: 'as a person types it: +, 00, spaces, dashes, brackets, Arabic-Indic digits; a national number needs country' }),
  country: NullableString({ maxLength: 2, description: 'ISO 3166 alpha-2; the region of a national phone number; else taken from the number' }),
  email: NullableString({ maxLength: 320 }),
  companyId: NullableString({ maxLength: 64 }),
  ownerAgentId: NullableString({ maxLength: 64 }),
  language: NullableString({ maxLength: 35, description: 'BCP-47; defaults from the country' }),
  timezone: NullableString({ maxLength: 64, description: 'IANA; defaults from the country' }),
};

const Duplicate = Type.Object({
  id: Type.String(),
  contactIds: Type.Array(Type.String(), { minItems: 2, maxItems: 2 }),
  score: Type.Number(),
  reason: Type.String({ description: 'same_phone | same_email | similar_name' }),
  status: Type.String({ description: 'open | dismissed | merged' }),
  createdAt: Type.String(),
});

const security = [{ bearer: [] }];

export const contactRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.post(
    '/contacts',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Create a contact; a typed phone or e-mail shared with another contact flags a duplicate (never merged)',
        security,
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 500 }), ...ContactFields, optedOut: Type.Optional(Type.Boolean()) }),
        response: { 201: Contact, 400: ErrorBody, 401: ErrorBody, 422: ErrorBody },
      },
    },
    async (req, reply) => {
      const contact = await createContact(db, req.body);
      return reply.code(201).send(contact);
    },
  );

  // Static paths before /contacts/:id (find-my-way prefers them anyway).
  app.get(
    '/contacts/duplicates',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Pairs of contacts that may be one person, highest score first',
        security,
        querystring: Type.Object({
          status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('dismissed'), Type.Literal('merged')], { default: 'open' })),
          contactId: Type.Optional(Type.String({ maxLength: 64 })),
          ...Paging,
        }),
        response: { 200: Type.Object({ data: Type.Array(Duplicate), nextCursor: Nullable(Type.String()) }), 401: ErrorBody, 422: ErrorBody },
      },
    },
    async (req) => listDuplicates(db, { status: req.query.status, contactId: req.query.contactId, limit: req.query.limit ?? 50, cursor: req.query.cursor }),
  );

  app.get(
    '/contacts',
    {
      schema: {
        tags: ['contacts'],
        summary: 'List live contacts, newest first (merged-away contacts are left out)',
        security,
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: 200, description: 'part of the name, e-mail or phone digits' })),
          companyId: Type.Optional(Type.String({ maxLength: 64 })),
          ownerAgentId: Type.Optional(Type.String({ maxLength: 64 })),
          phone: Type.Optional(Type.String({ maxLength: 64, description: 'as typed; any form of the number (and WhatsApp ids) matches' })),
          email: Type.Optional(Type.String({ maxLength: 320 })),
          country: Type.Optional(Type.String({ maxLength: 2 })),
          ...Paging,
        }),
        response: { 200: Type.Object({ data: Type.Array(Contact), nextCursor: Nullable(Type.String()) }), 401: ErrorBody, 422: ErrorBody },
      },
    },
    async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return listContacts(db, filter, { limit: limit ?? 50, cursor });
    },
  );

  app.get(
    '/contacts/:id',
    {
      schema: {
        tags: ['contacts'],
        summary: 'One contact with its identities and engagement profile; a merged-away contact answers { id, mergedInto }',
        security,
        params: IdParams,
        response: { 200: Type.Union([Type.Intersect([Contact, Type.Object({ engagement: EngagementSchema })]), MergedContact]), 401: ErrorBody, 404: ErrorBody },
      },
    },
    async (req) => {
      const c = await getContact(db, req.params.id);
      if (!c) throw new HttpError(404, 'not_found', `no contact ${req.params.id}`);
      if ('mergedInto' in c) return c;
      return { ...c, engagement: await contactEngagement(db, c.id) };
    },
  );

  app.patch(
    '/contacts/:id',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Change a contact (null clears a field); a new phone replaces the typed phone identity',
        security,
        params: IdParams,
        body: Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })), ...ContactFields, optedOut: Type.Optional(Type.Boolean()) }),
        response: { 200: Contact, 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
      },
    },
    async (req) => updateContact(db, req.params.id, req.body),
  );

  app.post(
    '/contacts/:id/merge',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['contacts'],
        summary: 'Merge another contact into this one (identities, conversations, messages, deals, events move); again: no change',
        security,
        params: IdParams,
        body: Type.Object({ otherContactId: BodyId('the contact merged into this one') }),
        response: { 200: Contact, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
      },
    },
    async (req) => {
      // The audit row names the token's actor, never a field of the body.
      const result = await mergeContacts(db, req.params.id, req.body.otherContactId, principalOf(req).actor);
      const c = await getContact(db, result.survivorId);
      if (!c || 'mergedInto' in c) throw new HttpError(409, 'wrong_state', `contact ${result.survivorId} is not live`);
      return c;
    },
  );
};
