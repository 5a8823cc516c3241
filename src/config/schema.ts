import { z } from 'zod';

const hostPort = /^[A-Za-z0-9.\-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/;

/** Every environment setting modelship reads. Defaults point at the local stack started by scripts/stack.sh. */
export const envSchema = z.object({
  TEMPORAL_ADDRESS: z
    .string()
    .regex(hostPort, 'must be host:port, e.g. 127.0.0.1:7233')
    .default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1, 'must not be empty').default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1, 'must not be empty').default('modelship'),
  /**
   * This worker's build in its Worker Deployment: set, the worker is versioned and every pipeline stays on the build
   * it started on (docs/versioning.md); unset, the worker is unversioned, fine while only one build ever runs.
   */
  WORKER_BUILD_ID: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits or ._-').optional(),
  WORKER_DEPLOYMENT_NAME: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits or ._-').default('modelship'),
  TEMPORAL_TLS: z.enum(['true', 'false'], { message: 'must be true or false' }).default('false'),
  TEMPORAL_TLS_CERT: z.string().optional(),
  TEMPORAL_TLS_KEY: z.string().optional(),
  TEMPORAL_API_KEY: z.string().optional(),
  TEMPORAL_UI_URL: z.url({ message: 'must be an http(s) URL' }).default('http://127.0.0.1:8233'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\/.+/, 'must be a mongodb:// or mongodb+srv:// URI')
    .default('mongodb://127.0.0.1:27017/'),
  MONGODB_DB: z.string().regex(/^[A-Za-z0-9_-]{1,63}$/, 'must be 1-63 letters, digits, _ or -').default('modelship'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/.+/, 'must be an smtp:// or smtps:// URL')
    .default('smtp://127.0.0.1:1025'),
  MAIL_FROM: z.string().email('must be an email address').default('modelship@modelship.local'),
  MAIL_INBOX_URL: z.url({ message: 'must be an http(s) URL' }).default('http://127.0.0.1:1080'),
  /** Key of the audit log's per-event HMAC; unset means the public local-only key, fine for the local stack only. */
  AUDIT_HMAC_KEY: z.string().min(32, 'must be at least 32 characters of secret').optional(),
  /**
   * Where each log's local signing key, verifier key and checkpoint copies live, one folder per database; by default
   * `$STACK_DIR/audit` when the stack's folder is set, else `.data/audit`.
   */
  AUDIT_DIR: z.string().min(1, 'must not be empty').default('.data/audit'),
  /** The checkpoint signing key (C2SP signed-note, as `modelship audit keygen` writes it); unset, a local one is made. */
  AUDIT_SIGNING_KEY_FILE: z.string().min(1, 'must not be empty').optional(),
  /** The verifier key readers check checkpoints with: the key itself or a file holding it. */
  AUDIT_VERIFIER_KEY: z.string().min(1, 'must not be empty').optional(),
  /** The folder outside the database that keeps a copy of every checkpoint. */
  AUDIT_CHECKPOINT_DIR: z.string().min(1, 'must not be empty').optional(),
  AUDIT_CHECKPOINT_EVERY: z.coerce.number().int('must be an integer').min(1, 'must be at least 1').max(1_000_000, 'must be at most 1000000').default(1000),
  GATEWAY_URLS: z
    .string()
    .regex(/^https?:\/\/[^,\s]+(,https?:\/\/[^,\s]+)*$/, 'must be a comma-separated list of http(s) URLs')
    .default('http://127.0.0.1:8080'),
  GATEWAY_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').default('modelship-local-admin-token'),
  GATEWAY_HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  GATEWAY_PORT: z.coerce.number().int('must be an integer').min(0, 'must be a port number').max(65535, 'must be a port number').default(8080),
  GATEWAY_REPLICA_ID: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 letters, digits or ._:-').optional(),
  GATEWAY_DEFAULT_MODEL: z.string().min(1, 'must not be empty').optional(),
  GATEWAY_POLL_MS: z.coerce.number().int('must be an integer').min(20, 'must be at least 20').max(500, 'must be at most 500').default(250),
  GATEWAY_KPI_FLUSH_MS: z.coerce.number().int('must be an integer').min(50, 'must be at least 50').max(5000, 'must be at most 5000').default(500),
  GATEWAY_CACHE_TTL_MS: z.coerce.number().int('must be an integer').min(0, 'must be at least 0').default(30_000),
  GATEWAY_CACHE_MAX: z.coerce.number().int('must be an integer').min(0, 'must be at least 0').default(50_000),
  MODELSHIP_USER: z.string().min(1, 'must not be empty').optional(),
  /** Where `modelship keys generate` keeps keys, as <dir>/keys/<name>.key; defaults to ~/.modelship. */
  MODELSHIP_HOME: z.string().min(1, 'must not be empty').optional(),
  /**
   * Whether workers honour `approval.requireSignatures: false` in a spec and `monitoring.requireSignatures: false` in a
   * policy. Off (the default), both are refused or overridden: whoever writes a spec or a policy cannot turn proof of
   * identity off for themself. A sandbox setting.
   */
  MODELSHIP_ALLOW_UNSIGNED: z.enum(['true', 'false'], { message: 'must be true or false' }).default('false'),
  /** The private key the CLI signs with, whoever acts; by default the acting person's key under MODELSHIP_HOME. */
  MODELSHIP_KEY: z.string().min(1, 'must not be empty').optional(),
  /** Where modelship's own embedding artifacts rank in the gates and at the gateway; ONNX models always in onnxruntime. */
  MODEL_RUNTIME: z.enum(['onnxruntime', 'typescript'], { message: 'must be onnxruntime or typescript' }).default('onnxruntime'),
  REPORTS_DIR: z.string().min(1, 'must not be empty').default('reports'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error'], { message: 'must be debug, info, warn or error' }).default('info'),
});

export type Env = z.infer<typeof envSchema>;
