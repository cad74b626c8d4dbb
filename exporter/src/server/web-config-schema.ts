/**
 * The schema of the web configuration file (`--web.config.file`): the Prometheus exporter toolkit's
 * format (`tls_server_config`, `http_server_config`, `basic_auth_users`) plus modelwatch's `ingest_auth`.
 * Unknown keys are errors, as in the toolkit. Values that are secrets (bcrypt hashes, inline keys) are
 * never echoed in error messages.
 */
import { z } from 'zod';
import { CLIENT_AUTH_TYPES, TLS_VERSION_NAMES } from './tls-options.js';

/** Headers the toolkit lets a web config add to every response; `null` means any value. */
export const CONFIGURABLE_HEADERS: Readonly<Record<string, readonly string[] | null>> = {
  'Content-Security-Policy': null,
  'Strict-Transport-Security': null,
  'X-Content-Type-Options': ['nosniff'],
  'X-Frame-Options': ['deny', 'sameorigin'],
  'X-XSS-Protection': null,
};

const headerValue = z.string().regex(/^[\t\x20-\x7e]*$/, 'header values must be printable ASCII on one line');

const filename = z.string().min(1, 'must not be empty; give a path (relative paths are resolved against the web config file\'s folder)');

export const tlsServerSchema = z.strictObject({
  cert: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
  client_ca: z.string().min(1).optional(),
  cert_file: filename.optional(),
  key_file: filename.optional(),
  client_auth_type: z.enum(CLIENT_AUTH_TYPES).optional(),
  client_ca_file: filename.optional(),
  client_allowed_sans: z.array(z.string().min(1)).optional(),
  min_version: z.enum(TLS_VERSION_NAMES).optional(),
  max_version: z.enum(TLS_VERSION_NAMES).optional(),
  cipher_suites: z.array(z.string()).optional(),
  prefer_server_cipher_suites: z.boolean().optional(),
  curve_preferences: z.array(z.string()).optional(),
});

export const httpServerSchema = z.strictObject({
  http2: z.boolean().optional(),
  headers: z.record(z.string(), headerValue).nullish(),
});

export const ingestAuthSchema = z.strictObject({
  bearer_token_file: filename.optional(),
  bearer_token_env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name (letters, digits and "_", not starting with a digit)')
    .optional(),
});

export const webConfigSchema = z.strictObject({
  tls_server_config: tlsServerSchema.nullish(),
  http_server_config: httpServerSchema.nullish(),
  basic_auth_users: z.record(z.string(), z.string()).nullish(),
  rate_limit: z.unknown().optional(),
  ingest_auth: ingestAuthSchema.nullish(),
});

export type ParsedWebConfig = z.infer<typeof webConfigSchema>;
export type ParsedTlsServer = z.infer<typeof tlsServerSchema>;

export const KNOWN_WEB_KEYS: Readonly<Record<string, readonly string[]>> = {
  '': Object.keys(webConfigSchema.shape),
  tls_server_config: Object.keys(tlsServerSchema.shape),
  http_server_config: Object.keys(httpServerSchema.shape),
  ingest_auth: Object.keys(ingestAuthSchema.shape),
};
