// npm run token -- create --role admin|agent [--agent <id>] [--label <text>] | list | revoke <id>
// Against DATABASE_URL (production): the token is printed once, to stdout; only its hash is kept.
import { parseArgs } from 'node:util';
import { openPostgres } from '../db/client.js';
import { createToken, listTokens, revokeToken, UnknownAgentError } from '../db/auth/tokens.js';

const usage = `usage:
  npm run token -- create --role admin|agent [--agent <agent id>] [--label <text>]
  npm run token -- list
  npm run token -- revoke <token id>
Needs DATABASE_URL (the database npm start uses). With npm run dev, create tokens with
POST /api/v1/tokens and the admin token the dev banner printed.`;

function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      options: { role: { type: 'string' }, agent: { type: 'string' }, label: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    return fail(`${(err as Error).message}\n${usage}`);
  }
})();
const [command, ...rest] = positionals;
if (values.help || !command) fail(usage, values.help ? 0 : 2);
const url = process.env.DATABASE_URL;
if (!url) fail(`DATABASE_URL is not set.\n${usage}`);

const db = await openPostgres(url, { max: 1 });
try {
  if (command === 'create') {
    const role = values.role;
    if (role !== 'admin' && role !== 'agent') fail(`--role must be admin or agent\n${usage}`);
    if (role === 'agent' && !values.agent) fail('an agent token needs --agent <agent id>');
    if (role === 'admin' && values.agent) fail('an admin token is bound to no agent: leave out --agent');
    if (values.label && values.label.length > 200) fail('--label is longer than 200 characters');
    try {
      const t = await createToken(db.db, { role, agentId: values.agent, label: values.label ?? null, createdBy: 'cli' });
      process.stderr.write(`token ${t.id} (${t.role}${t.agentId ? ` for agent ${t.agentId}` : ''}) created; it is shown once:\n`);
      process.stdout.write(`${t.token}\n`);
    } catch (err) {
      if (err instanceof UnknownAgentError) fail(err.message, 1);
      throw err;
    }
  } else if (command === 'list') {
    for (const t of await listTokens(db.db)) {
      process.stdout.write(`${JSON.stringify(t)}\n`);
    }
  } else if (command === 'revoke') {
    const id = rest[0] ?? fail(`revoke needs a token id\n${usage}`);
    const r = await revokeToken(db.db, id);
    if (r === 'not_found') fail(`no token ${id}`, 1);
    process.stderr.write(r === 'revoked' ? `token ${id} revoked\n` : `token ${id} was already revoked\n`);
  } else {
    fail(`unknown command ${command}\n${usage}`);
  }
} finally {
  await db.close();
}
