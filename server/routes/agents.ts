// /agents: the people conversations are routed to. Creating one, or giving one room (active again,
// more capacity, another language or team), serves that team's queue at once and tells each
// conversation placed so (signal `assigned`).
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Client } from '@temporalio/client';
import { notifyPlacements } from '../../activities/placements.js';
import type { Db } from '../../db/client.js';
import { createAgent, getAgent, listAgents, updateAgent } from '../../db/routing/agents.js';
import { fillFromQueue } from '../../db/routing/assignment.js';
import { ruleTeams } from '../../db/routing/rules.js';
import { HttpError } from '../errors.js';
import { ErrorBody, IdParams, Nullable } from './schemas.js';

export interface AgentRoutesOptions {
  db: Db;
  temporal: Client;
}

export const Agent = Type.Object({
  id: Type.String(),
  name: Type.String(),
  team: Type.String({ description: 'a team name from the rules' }),
  languages: Type.Array(Type.String(), { description: 'BCP-47 tags the agent answers in' }),
  capacity: Type.Integer({ description: 'most open conversations at once (a hard limit)' }),
  active: Type.Boolean(),
  load: Type.Integer({ description: 'open (not resolved) conversations assigned to the agent' }),
  lastAssignedAt: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const Language = Type.String({ minLength: 1, maxLength: 35, pattern: '^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*$', description: 'BCP-47 tag' });
const Fields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  team: Type.String({ minLength: 1, maxLength: 200, description: 'a team name from the current rules' }),
  languages: Type.Array(Language, { minItems: 1, maxItems: 50 }),
  capacity: Type.Integer({ minimum: 0, maximum: 10_000 }),
  active: Type.Boolean({ default: true }),
};
const security = [{ bearer: [] }];

async function checkTeam(db: Db, team: string): Promise<void> {
  const teams = await ruleTeams(db);
  if (!teams.includes(team)) {
    throw new HttpError(422, 'validation_failed', `team "${team}" is not a team of the current rules (${teams.join(', ') || 'none'})`, [
      { path: '/team', message: `unknown team "${team}"; known: ${teams.join(', ')}` },
    ]);
  }
}

export const agentRoutes: FastifyPluginAsyncTypebox<AgentRoutesOptions> = async (app, { db, temporal }) => {
  const serveQueue = async (team: string, reason: string) => {
    const { assigned } = await fillFromQueue(db, { team });
    if (assigned.length) await notifyPlacements(temporal, assigned, reason, app.log);
    return assigned;
  };

  app.post(
    '/agents',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['agents'],
        summary: "Create an agent; the team's queue is served from its free capacity at once",
        security,
        body: Type.Object({ ...Fields, active: Type.Optional(Fields.active) }),
        response: { 201: Agent, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 422: ErrorBody },
      },
    },
    async (req, reply) => {
      await checkTeam(db, req.body.team);
      const agent = await createAgent(db, req.body);
      if (agent.active && agent.capacity > 0) {
        const placed = await serveQueue(agent.team, 'agent joined the team');
        if (placed.length) return reply.code(201).send((await getAgent(db, agent.id))!);
      }
      return reply.code(201).send(agent);
    },
  );

  app.get(
    '/agents',
    {
      schema: {
        tags: ['agents'],
        summary: 'All agents with their open load',
        security,
        querystring: Type.Object({ team: Type.Optional(Type.String({ maxLength: 200 })), active: Type.Optional(Type.Boolean()) }),
        response: { 200: Type.Object({ data: Type.Array(Agent) }), 401: ErrorBody, 422: ErrorBody },
      },
    },
    async (req) => ({ data: await listAgents(db, req.query) }),
  );

  app.get(
    '/agents/:id',
    {
      schema: {
        tags: ['agents'],
        summary: 'One agent with its open load',
        security,
        params: IdParams,
        response: { 200: Agent, 401: ErrorBody, 404: ErrorBody },
      },
    },
    async (req) => {
      const agent = await getAgent(db, req.params.id);
      if (!agent) throw new HttpError(404, 'not_found', `no agent ${req.params.id}`);
      return agent;
    },
  );

  app.patch(
    '/agents/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['agents'],
        summary: "Change an agent; freed capacity is filled from the team's queue at once (each placed conversation is signalled `assigned`)",
        security,
        params: IdParams,
        body: Type.Object({
          name: Type.Optional(Fields.name),
          team: Type.Optional(Fields.team),
          languages: Type.Optional(Fields.languages),
          capacity: Type.Optional(Fields.capacity),
          active: Type.Optional(Type.Boolean()),
        }),
        response: { 200: Agent, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody },
      },
    },
    async (req) => {
      if (req.body.team !== undefined) await checkTeam(db, req.body.team);
      const changed = await updateAgent(db, req.params.id, req.body);
      if (!changed) throw new HttpError(404, 'not_found', `no agent ${req.params.id}`);
      const { before, after } = changed;
      const roomer =
        after.active &&
        (!before.active ||
          after.capacity > before.capacity ||
          after.team !== before.team ||
          after.languages.some((l) => !before.languages.includes(l)));
      if (roomer && after.load < after.capacity) {
        const reason = !before.active ? 'agent became active' : after.capacity > before.capacity ? 'agent capacity raised' : 'agent changed';
        const placed = await serveQueue(after.team, reason);
        if (placed.length) return (await getAgent(db, after.id))!;
      }
      return after;
    },
  );
};
