// GET /api/v1/templates: the WhatsApp Business Account's message templates, read from the Graph API
// (approved ones by default), for an agent to choose the one a business-initiated conversation or
// a follow-up outside the 24-hour window is sent with.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { GraphError } from '../../whatsapp/graph-errors.js';
import type { GraphClient } from '../../whatsapp/graph-client.js';
import { principalOf } from '../auth/access.js';
import { HttpError } from '../errors.js';
import { ErrorBody } from './schemas.js';

export interface TemplateRoutesOptions {
  graph?: GraphClient;
  /** The WhatsApp Business Account whose templates are listed. */
  wabaId?: string;
}

const Template = Type.Object({
  id: Type.Union([Type.String(), Type.Null()]),
  name: Type.String(),
  language: Type.String(),
  status: Type.String(),
  category: Type.Union([Type.String(), Type.Null()]),
  components: Type.Array(Type.Unknown()),
});

export const templateRoutes: FastifyPluginAsyncTypebox<TemplateRoutesOptions> = async (app, opts) => {
  app.get(
    '/templates',
    {
      schema: {
        tags: ['conversations'],
        summary: "The Business Account's message templates from WhatsApp (approved ones unless `status` says otherwise)",
        security: [{ bearer: [] }],
        querystring: Type.Object({
          status: Type.Optional(Type.Union([Type.Literal('APPROVED'), Type.Literal('PENDING'), Type.Literal('REJECTED'), Type.Literal('PAUSED'), Type.Literal('DISABLED'), Type.Literal('all')], { default: 'APPROVED' })),
          language: Type.Optional(Type.String({ maxLength: 20 })),
        }),
        response: { 200: Type.Object({ data: Type.Array(Template) }), 401: ErrorBody, 502: ErrorBody, 503: ErrorBody },
      },
    },
    async (req) => {
      principalOf(req);
      if (!opts.graph || !opts.wabaId) {
        throw new HttpError(503, 'not_configured', 'no WhatsApp Graph API or Business Account is configured (WHATSAPP_ACCESS_TOKEN, WHATSAPP_BUSINESS_ACCOUNT_ID)');
      }
      const status = req.query.status ?? 'APPROVED';
      try {
        const all = await opts.graph.listTemplates(opts.wabaId, status === 'all' ? {} : { status });
        // Filtered here too: Meta's filter is a hint on some API versions.
        const data = all.filter((t) => (status === 'all' || t.status === status) && (!req.query.language || t.language === req.query.language));
        return { data };
      } catch (err) {
        const reason = err instanceof GraphError ? err.message : (err as Error).message;
        throw new HttpError(502, 'whatsapp_unavailable', `WhatsApp did not list the templates: ${reason}`);
      }
    },
  );
};
