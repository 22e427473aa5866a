// GET /api/v1/analytics: response times, SLA, missed messages, follow-up recovery and the automation
// share over a date range, per agent, team and day (definitions in db/analytics.ts). An agent token
// sees its own team's figures.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { analytics } from '../../db/analytics.js';
import type { Db } from '../../db/client.js';
import { principalOf } from '../auth/access.js';
import { HttpError } from '../errors.js';
import { ErrorBody, Nullable } from './schemas.js';

const Percentiles = Type.Object({ p50: Nullable(Type.Number()), p90: Nullable(Type.Number()), samples: Type.Integer() });
const FollowUps = Type.Object({ sent: Type.Integer(), replied: Type.Integer(), recoveredRate: Nullable(Type.Number()) });
const TurnFigures = {
  turns: Type.Integer(),
  responses: Type.Integer(),
  firstResponseSec: Percentiles,
  nextResponseSec: Percentiles,
  slaHitRate: Nullable(Type.Number()),
  missed: Type.Integer(),
  breaches: Type.Integer(),
};
const AnalyticsBody = Type.Object({
  from: Type.String(),
  to: Type.String(),
  conversations: Type.Integer(),
  ...TurnFigures,
  followUps: FollowUps,
  automationShare: Nullable(Type.Number()),
  byAgent: Type.Array(Type.Object({ agentId: Type.String(), name: Nullable(Type.String()), ...TurnFigures })),
  byTeam: Type.Array(Type.Object({ team: Type.String(), ...TurnFigures, followUps: FollowUps })),
  byDay: Type.Array(
    Type.Object({
      day: Type.String(),
      turns: Type.Integer(),
      responseSecP50: Nullable(Type.Number()),
      slaHitRate: Nullable(Type.Number()),
      followUpsSent: Type.Integer(),
      followUpsReplied: Type.Integer(),
    }),
  ),
});

const DAY_MS = 86_400_000;
/** Without a range: the last 30 days. */
const DEFAULT_RANGE_DAYS = 30;
const MAX_RANGE_DAYS = 731;

export const analyticsRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/analytics',
    {
      schema: {
        tags: ['analytics'],
        summary: 'Response times, SLA hit rate, missed messages, follow-up recovery and automation share over [from, to)',
        security: [{ bearer: [] }],
        querystring: Type.Object(
          {
            from: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
            to: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
            team: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            agentId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: AnalyticsBody, 401: ErrorBody, 403: ErrorBody, 422: ErrorBody },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const to = req.query.to ? new Date(req.query.to) : new Date();
      const from = req.query.from ? new Date(req.query.from) : new Date(to.getTime() - DEFAULT_RANGE_DAYS * DAY_MS);
      if (!(from < to)) throw new HttpError(422, 'validation_failed', '`from` must be before `to`');
      if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) {
        throw new HttpError(422, 'validation_failed', `the range may span at most ${MAX_RANGE_DAYS} days`);
      }
      let team = req.query.team ?? null;
      if (p.role !== 'admin') {
        if (team && team !== p.team) throw new HttpError(403, 'forbidden', `this token sees only team ${p.team ?? '(none)'}'s figures`);
        team = p.team;
        if (!team) throw new HttpError(403, 'forbidden', 'this agent token belongs to no team: analytics need an admin token');
      }
      return analytics(db, { from, to, team, agentId: req.query.agentId ?? null });
    },
  );
};
