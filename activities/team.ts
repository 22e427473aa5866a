// The agents of a team with their current load, for escalation decisions.
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { agents, conversations } from '../db/schema.js';

export interface TeamAgent {
  id: string;
  team: string;
  languages: string[];
  active: boolean;
  capacity: number;
  load: number;
}

export function createTeamActivities(db: Db) {
  return {
    async teamAgents(input: { team: string }): Promise<TeamAgent[]> {
      const load = sql<number>`(select count(*)::int from ${conversations} c where c.assignee = ${agents.id}::text and c.status <> 'resolved')`;
      const rows = await db
        .select({ id: agents.id, team: agents.team, languages: agents.languages, active: agents.active, capacity: agents.capacity, load })
        .from(agents)
        .where(eq(agents.team, input.team));
      return rows.map((r) => ({ ...r, load: Number(r.load) }));
    },
  };
}
