// Configuration from the environment (names and defaults: CONTRACT.md).
// `dev` fills what it lacks from generated secrets kept in the data dir;
// `production` (npm start / npm run worker) generates nothing and names what is missing.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export type RunMode = 'dev' | 'production';

/** What each production process cannot start without. */
export const REQUIRED = {
  api: ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN', 'API_TOKENS'],
  worker: ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'WHATSAPP_ACCESS_TOKEN'],
} as const;

const port = z.coerce.number().int().min(1).max(65535);
const list = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.string()).min(1, 'must hold at least one value'));

const envSchema = z.object({
  PORT: port.default(3000),
  // Unset: loopback in dev (nothing on the network sees a dev box), every interface in production.
  HOST: z.string().min(1).optional(),
  THREADLINE_DATA_DIR: z.string().min(1).default('.data'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }).optional(),
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('threadline'),
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  TEMPORAL_TEST_SERVER_PATH: z.string().min(1).optional(),
  WHATSAPP_APP_SECRET: list.optional(),
  WHATSAPP_VERIFY_TOKEN: z.string().min(1).optional(),
  WHATSAPP_ACCESS_TOKEN: z.string().min(1).optional(),
  WHATSAPP_API_BASE_URL: z.url().optional(),
  WHATSAPP_SIMULATOR_PORT: port.optional(),
  WHATSAPP_SIMULATOR_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  WHATSAPP_PHONE_NUMBER_ID: z.string().regex(/^\d{1,32}$/, 'must be the digits of a Cloud API phone number id').optional(),
  WHATSAPP_BUSINESS_ACCOUNT_ID: z.string().regex(/^\d{1,32}$/, 'must be the digits of a WhatsApp Business Account id').optional(),
  API_TOKENS: list.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  mode: RunMode;
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  temporal: {
    address: string | undefined;
    namespace: string;
    taskQueue: string;
    devPort: number;
    uiPort: number;
    cliPath: string | undefined;
    testServerPath: string | undefined;
  };
  whatsapp: {
    appSecrets: string[];
    verifyToken: string;
    accessToken: string | undefined;
    apiBaseUrl: string | undefined;
    simulatorPort: number;
    /** Bearer token of the simulator's control endpoints (dev). */
    simulatorToken: string;
    /** The business number used when a business-initiated conversation names none. */
    phoneNumberId: string;
    /** The WhatsApp Business Account whose message templates agents choose from. */
    wabaId: string;
  };
  apiTokens: string[];
  logLevel: string;
  /** Secrets generated for this data dir (dev only), to print at start. */
  generated: string[];
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

interface SavedSecrets {
  appSecret: string;
  verifyToken: string;
  apiToken: string;
  simulatorToken: string;
}

/** The simulator's own number (CONTRACT.md). */
export const SIMULATOR_PHONE_NUMBER_ID = '106540352242922';
/** The simulator's Business Account (its message templates). */
export const SIMULATOR_WABA_ID = '102290129340398';

function newSecrets(): SavedSecrets {
  return {
    appSecret: randomBytes(24).toString('hex'),
    verifyToken: randomBytes(12).toString('hex'),
    apiToken: `tl_${randomBytes(24).toString('hex')}`,
    simulatorToken: `sim_${randomBytes(18).toString('hex')}`,
  };
}

/** Secrets of this data dir: read, completed when an older file lacks one, written private (0600). */
function loadOrCreateSecrets(dataDir: string): SavedSecrets {
  const file = path.join(dataDir, 'secrets.json');
  const saved = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<SavedSecrets>) : {};
  const secrets = { ...newSecrets(), ...saved } as SavedSecrets;
  if (Object.keys(saved).length !== Object.keys(secrets).length) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
  }
  return secrets;
}

export function loadConfig(
  mode: RunMode,
  env: NodeJS.ProcessEnv = process.env,
  required: readonly string[] = REQUIRED.api,
): Config {
  // Empty strings count as unset, as in most shells' `VAR= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.THREADLINE_DATA_DIR);
  const generated: string[] = [];

  let appSecrets = e.WHATSAPP_APP_SECRET;
  let verifyToken = e.WHATSAPP_VERIFY_TOKEN;
  let apiTokens = e.API_TOKENS;
  let simulatorToken = e.WHATSAPP_SIMULATOR_TOKEN;

  if (mode === 'production') {
    const missing = (
      [
        ['DATABASE_URL', e.DATABASE_URL],
        ['TEMPORAL_ADDRESS', e.TEMPORAL_ADDRESS],
        ['WHATSAPP_APP_SECRET', appSecrets],
        ['WHATSAPP_VERIFY_TOKEN', verifyToken],
        ['API_TOKENS', apiTokens],
        ['WHATSAPP_ACCESS_TOKEN', e.WHATSAPP_ACCESS_TOKEN],
      ] as const
    )
      .filter(([k, v]) => v === undefined && required.includes(k))
      .map(([k]) => k);
    if (missing.length > 0) {
      throw new ConfigError(
        `Missing required environment variable${missing.length > 1 ? 's' : ''}: ${missing.join(', ')} ` +
          `(npm start and npm run worker generate nothing; see the configuration table in README.md)`,
      );
    }
  } else if (!appSecrets || !verifyToken || !apiTokens || !simulatorToken) {
    const saved = loadOrCreateSecrets(dataDir);
    if (!appSecrets) {
      appSecrets = [saved.appSecret];
      generated.push(`WHATSAPP_APP_SECRET=${saved.appSecret}`);
    }
    if (!verifyToken) {
      verifyToken = saved.verifyToken;
      generated.push(`WHATSAPP_VERIFY_TOKEN=${saved.verifyToken}`);
    }
    if (!apiTokens) {
      apiTokens = [saved.apiToken];
      generated.push(`API_TOKENS=${saved.apiToken}`);
    }
    if (!simulatorToken) {
      simulatorToken = saved.simulatorToken;
      generated.push(`WHATSAPP_SIMULATOR_TOKEN=${saved.simulatorToken}`);
    }
  }

  return {
    mode,
    port: e.PORT,
    host: e.HOST ?? (mode === 'dev' ? '127.0.0.1' : '0.0.0.0'),
    dataDir,
    databaseUrl: e.DATABASE_URL,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      devPort: e.TEMPORAL_DEV_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      cliPath: e.TEMPORAL_CLI_PATH,
      testServerPath: e.TEMPORAL_TEST_SERVER_PATH,
    },
    whatsapp: {
      appSecrets: appSecrets ?? [],
      verifyToken: verifyToken ?? '',
      accessToken: e.WHATSAPP_ACCESS_TOKEN,
      apiBaseUrl: e.WHATSAPP_API_BASE_URL,
      simulatorPort: e.WHATSAPP_SIMULATOR_PORT ?? e.PORT + 1,
      simulatorToken: simulatorToken ?? '',
      phoneNumberId: e.WHATSAPP_PHONE_NUMBER_ID ?? SIMULATOR_PHONE_NUMBER_ID,
      wabaId: e.WHATSAPP_BUSINESS_ACCOUNT_ID ?? SIMULATOR_WABA_ID,
    },
    apiTokens: apiTokens ?? [],
    logLevel: e.LOG_LEVEL,
    generated,
  };
}
