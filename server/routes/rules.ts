// /rules: the global rules document (business hours, SLAs, teams, burst gap, automation), versioned.
// Running conversations use a new version from their next decision on (activity loadRules).
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../db/client.js';
import { getAgent } from '../../db/routing/agents.js';
import { currentRules, RulesVersionConflict, saveRules } from '../../db/routing/rules.js';
import { validateRules } from '../../domain/rules.js';
import { HttpError } from '../errors.js';
import { ErrorBody } from './schemas.js';

const RulesWithVersion = Type.Object(
  { version: Type.Integer({ description: 'the version of this document; increases by one per PUT' }) },
  { additionalProperties: true, description: 'the rules document (businessHours, sla, teams, burstQuietGapSec, automation...) plus its version' },
);
const security = [{ bearer: [] }];

export const rulesRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/rules',
    {
      schema: {
        tags: ['rules'],
        summary: 'The current rules document and its version (the defaults on a fresh install)',
        security,
        response: { 200: RulesWithVersion, 401: ErrorBody },
      },
    },
    async () => {
      const { version, rules } = await currentRules(db);
      return { ...rules, version };
    },
  );

  app.put(
    '/rules',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['rules'],
        summary: 'Replace the rules document; a `version` in it must be the current one (else 409). 422 with the reasons.',
        security,
        body: Type.Object(
          { version: Type.Optional(Type.Integer({ minimum: 0, description: 'the version this change was made on (optimistic concurrency)' })) },
          { additionalProperties: true },
        ),
        response: { 200: Type.Object({ version: Type.Integer() }), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 409: ErrorBody, 422: ErrorBody },
      },
    },
    async (req) => {
      const { version: expectedVersion, ...doc } = req.body as Record<string, unknown> & { version?: number };
      const checked = validateRules(doc);
      if (!checked.ok) {
        throw new HttpError(422, 'validation_failed', `the rules are not valid: ${checked.reasons.join('; ')}`, checked.reasons);
      }
      // A team's lead is someone escalations go to: it must be an agent.
      const unknownLeads: { path: string; message: string }[] = [];
      for (const [i, t] of checked.rules.teams.entries()) {
        if (t.lead && !(await getAgent(db, t.lead))) unknownLeads.push({ path: `/teams/${i}/lead`, message: `no agent ${t.lead}` });
      }
      if (unknownLeads.length > 0) {
        throw new HttpError(422, 'validation_failed', `the rules are not valid: ${unknownLeads.map((u) => `${u.path}: ${u.message}`).join('; ')}`, unknownLeads);
      }
      try {
        return await saveRules(db, checked.rules, { expectedVersion });
      } catch (err) {
        if (err instanceof RulesVersionConflict) throw new HttpError(409, 'version_conflict', err.message, { current: err.current });
        throw err;
      }
    },
  );
};
