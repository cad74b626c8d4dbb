/**
 * Loading the web configuration (`--web.config.file`), the file Prometheus exporters use for TLS and
 * basic auth, plus modelwatch's `ingest_auth` for the ingest API's bearer token. Everything is read and
 * checked once, at start-up: certificates parse and match their key, bcrypt hashes are well formed, the
 * token is present. Relative paths are resolved against the web config file's folder. Errors name the
 * key and say how to fix it; secrets (hashes, keys, the token) never appear in them.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { closest, ConfigError, formatPath } from '../config/load.js';
import type { Logger } from '../log/logger.js';
import { Secret } from './secret.js';
import {
  CIPHER_SUITE_NAMES,
  CURVE_NAMES,
  clientAuthOptions,
  nodeCiphers,
  nodeCurves,
  requiresClientCert,
  TLS12_CIPHER_SUITES,
  TLS_VERSION_NAMES,
  TLS_VERSIONS,
  verifiesClientCert,
  type ClientAuthType,
  type TlsVersionName,
} from './tls-options.js';
import { CONFIGURABLE_HEADERS, KNOWN_WEB_KEYS, webConfigSchema, type ParsedTlsServer, type ParsedWebConfig } from './web-config-schema.js';

export interface TlsServerSettings {
  /** Certificate chain (PEM). */
  cert: string;
  /** Private key (PEM). */
  key: Secret;
  /** CA bundle that signs client certificates (PEM), when client certificates are verified. */
  clientCa: string | undefined;
  clientAuth: ClientAuthType;
  /** The client certificate must carry one of these SANs (DNS, IP, e-mail or URI), when set. */
  allowedSans: string[] | undefined;
  minVersion: TlsVersionName;
  maxVersion: TlsVersionName;
  /** Node `ciphers` string, when cipher_suites is set. */
  ciphers: string | undefined;
  /** Node `ecdhCurve` string, when curve_preferences is set. */
  curves: string | undefined;
  honorCipherOrder: boolean;
}

export interface IngestAuth {
  /** Where the token came from, for logs: `file <path>` or `env <NAME>`. */
  source: string;
  token: Secret;
}

export interface WebConfig {
  file: string;
  tls: TlsServerSettings | undefined;
  /** Headers added to every response. */
  headers: Readonly<Record<string, string>>;
  /** User name → bcrypt hash; empty means no basic auth. */
  basicAuthUsers: ReadonlyMap<string, string>;
  /** Bearer token required on the ingest API (`/api/...`), when set. */
  ingestAuth: IngestAuth | undefined;
  /** Things that work but deserve attention (logged at start-up). */
  warnings: string[];
}

export type Env = Readonly<Record<string, string | undefined>>;

/** bcrypt as written by htpasswd, Go and bcryptjs: $2a$, $2b$ or $2y$, a two-digit cost, 22 salt + 31 hash characters. */
const BCRYPT_HASH = /^\$2[aby]?\$(\d\d)\$[./A-Za-z0-9]{53}$/;
const HASH_HOWTO = `hash the password with: htpasswd -nBC 10 "" | tr -d ':\\n' (see docs/security.md)`;
/** Tokens travel in an HTTP header: visible ASCII, no spaces. */
const TOKEN_CHARS = /^[\x21-\x7e]+$/;
export const MIN_TOKEN_LENGTH = 16;
const MAX_TOKEN_LENGTH = 4096;
const TOKEN_HOWTO = 'generate one with: openssl rand -hex 32';

export async function loadWebConfigFile(file: string, env: Env = process.env): Promise<WebConfig> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (err) {
    throw new ConfigError(absolute, [`cannot read the web configuration file (${readFailure(err)}); pass an existing file with --web.config.file`]);
  }
  return parseWebConfigText(text, absolute, env);
}

export async function parseWebConfigText(text: string, file: string, env: Env = process.env): Promise<WebConfig> {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => `YAML syntax error at line ${e.linePos?.[0]?.line ?? '?'}, column ${e.linePos?.[0]?.col ?? '?'}: ${e.message.split('\n')[0]}`),
    );
  }
  // An empty file is a valid web config that enables nothing (as in the exporter toolkit).
  const raw: unknown = doc.toJS() ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(file, ['the web configuration must be a YAML mapping (tls_server_config, http_server_config, basic_auth_users, ingest_auth)']);
  }
  const parsed = webConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(file, formatIssues(parsed.error.issues, raw));
  const problems: string[] = [];
  const warnings: string[] = [];
  const base = path.dirname(file);
  const cfg: ParsedWebConfig = parsed.data;
  if (cfg.rate_limit !== undefined) {
    problems.push('rate_limit: not supported by modelwatch; remove it (rate-limit in a reverse proxy in front of modelwatch if you need it)');
  }
  const tls = await resolveTls(cfg.tls_server_config ?? undefined, base, problems, warnings);
  const headers = resolveHeaders(cfg.http_server_config?.headers ?? {}, problems);
  if (cfg.http_server_config?.http2 === true) warnings.push('http_server_config.http2: modelwatch serves HTTP/1.1 only; the setting is ignored');
  const basicAuthUsers = resolveUsers(cfg.basic_auth_users ?? {}, problems, warnings);
  const ingestAuth = await resolveIngestAuth(cfg.ingest_auth ?? undefined, base, env, problems, warnings);
  if (problems.length > 0) throw new ConfigError(file, problems);
  if (!tls && (basicAuthUsers.size > 0 || ingestAuth)) {
    warnings.push('credentials are configured without tls_server_config: passwords and tokens cross the network in clear text; add a certificate');
  }
  return { file, tls, headers, basicAuthUsers, ingestAuth, warnings };
}

/** One start-up line describing what the web config enables (never a secret), and each warning. */
export function logWebConfig(logger: Logger, web: WebConfig): void {
  logger.info(
    {
      web_config_file: web.file,
      tls: web.tls ? { min_version: web.tls.minVersion, max_version: web.tls.maxVersion, client_auth_type: web.tls.clientAuth } : false,
      basic_auth_users: web.basicAuthUsers.size,
      ingest_auth: web.ingestAuth ? `bearer token from ${web.ingestAuth.source}` : false,
      headers: Object.keys(web.headers),
    },
    'web configuration loaded',
  );
  for (const w of web.warnings) logger.warn({ web_config_file: web.file }, w);
}

/** Node options for `https.createServer` (this object holds the private key: never log it). */
export function serverTlsOptions(t: TlsServerSettings): SecureContextOptions & { requestCert: boolean; rejectUnauthorized: boolean } {
  return {
    cert: t.cert,
    key: t.key.reveal(),
    ...(t.clientCa === undefined ? {} : { ca: t.clientCa }),
    minVersion: TLS_VERSIONS[t.minVersion],
    maxVersion: TLS_VERSIONS[t.maxVersion],
    ...(t.ciphers === undefined ? {} : { ciphers: t.ciphers }),
    ...(t.curves === undefined ? {} : { ecdhCurve: t.curves }),
    honorCipherOrder: t.honorCipherOrder,
    ...clientAuthOptions(t.clientAuth),
  };
}

async function resolveTls(t: ParsedTlsServer | undefined, base: string, problems: string[], warnings: string[]): Promise<TlsServerSettings | undefined> {
  if (!t || Object.keys(t).length === 0) return undefined;
  const at = (key: string) => `tls_server_config.${key}`;
  const before = problems.length;

  const certPem = await pemSource(t.cert, t.cert_file, 'cert', base, problems, 'the server certificate (PEM)');
  const keyPem = await pemSource(t.key, t.key_file, 'key', base, problems, 'the private key of the certificate (PEM)');
  const caPem = await pemSource(t.client_ca, t.client_ca_file, 'client_ca', base, problems);

  let cert: X509Certificate | undefined;
  if (certPem !== undefined) {
    try {
      cert = new X509Certificate(certPem.text);
    } catch {
      problems.push(`${at(certPem.key)}: ${certPem.where} holds no PEM certificate; expected "-----BEGIN CERTIFICATE-----"`);
    }
  }
  let key: KeyObject | undefined;
  if (keyPem !== undefined) {
    try {
      key = createPrivateKey(keyPem.text);
    } catch {
      problems.push(`${at(keyPem.key)}: ${keyPem.where} holds no unencrypted PEM private key (encrypted keys are not supported)`);
    }
  }
  if (cert && key && !cert.checkPrivateKey(key)) {
    problems.push(`${at(keyPem?.key ?? 'key_file')}: the private key does not belong to the certificate in ${certPem?.key ?? 'cert_file'}; give the key the certificate was issued for`);
  }
  if (cert) {
    const now = Date.now();
    if (Date.parse(cert.validTo) < now) warnings.push(`${at(certPem?.key ?? 'cert_file')}: the certificate expired on ${cert.validTo}; clients will refuse it`);
    else if (Date.parse(cert.validFrom) > now) warnings.push(`${at(certPem?.key ?? 'cert_file')}: the certificate is not valid before ${cert.validFrom}`);
  }
  if (caPem !== undefined) {
    const blocks = caPem.text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    if (blocks.length === 0) problems.push(`${at(caPem.key)}: ${caPem.where} holds no PEM certificate; give the CA certificate(s) that sign client certificates`);
    for (const [i, block] of blocks.entries()) {
      try {
        new X509Certificate(block);
      } catch {
        problems.push(`${at(caPem.key)}: certificate ${i + 1} of ${caPem.where} cannot be parsed`);
      }
    }
  }

  const clientAuth: ClientAuthType = t.client_auth_type ?? 'NoClientCert';
  if (caPem !== undefined && clientAuth === 'NoClientCert') {
    problems.push(`${at(caPem.key)}: a client CA is set but client_auth_type is NoClientCert; set client_auth_type: RequireAndVerifyClientCert, or remove ${caPem.key}`);
  }
  if (caPem === undefined && verifiesClientCert(clientAuth)) {
    problems.push(`${at('client_ca_file')}: client_auth_type ${clientAuth} verifies client certificates; give the CA that signs them in client_ca_file`);
  }
  if (t.client_allowed_sans !== undefined && !requiresClientCert(clientAuth)) {
    problems.push(`${at('client_allowed_sans')}: requires client_auth_type RequireAnyClientCert or RequireAndVerifyClientCert (other types let a client connect without a certificate)`);
  }

  const minVersion = t.min_version ?? 'TLS12';
  const maxVersion = t.max_version ?? 'TLS13';
  for (const [k, v] of [
    ['min_version', minVersion],
    ['max_version', maxVersion],
  ] as const) {
    if (v === 'TLS10' || v === 'TLS11') problems.push(`${at(k)}: ${v} is not supported (TLS 1.0 and 1.1 are deprecated, RFC 8996); use TLS12 or TLS13`);
  }
  if (TLS_VERSION_NAMES.indexOf(minVersion) > TLS_VERSION_NAMES.indexOf(maxVersion)) {
    problems.push(`${at('min_version')}: ${minVersion} is above max_version ${maxVersion}; lower min_version or raise max_version`);
  }

  let ciphers: string | undefined;
  if (t.cipher_suites !== undefined && t.cipher_suites.length > 0) {
    for (const [i, name] of t.cipher_suites.entries()) {
      if (!CIPHER_SUITE_NAMES.includes(name)) {
        problems.push(`${at(`cipher_suites[${i}]`)}: unknown or insecure cipher suite ${JSON.stringify(name)}; supported: ${CIPHER_SUITE_NAMES.join(', ')}`);
      }
    }
    const hasTls12 = t.cipher_suites.some((n) => TLS12_CIPHER_SUITES[n] !== undefined);
    if (!hasTls12 && minVersion !== 'TLS13') {
      problems.push(`${at('cipher_suites')}: lists no TLS 1.2 suite while min_version allows TLS 1.2; add TLS 1.2 suites or set min_version: TLS13`);
    }
    ciphers = nodeCiphers(t.cipher_suites);
  }
  let curves: string | undefined;
  if (t.curve_preferences !== undefined && t.curve_preferences.length > 0) {
    for (const [i, name] of t.curve_preferences.entries()) {
      if (!CURVE_NAMES.includes(name)) problems.push(`${at(`curve_preferences[${i}]`)}: unknown or unsupported curve ${JSON.stringify(name)}; supported: ${CURVE_NAMES.join(', ')}`);
    }
    curves = nodeCurves(t.curve_preferences.filter((n) => CURVE_NAMES.includes(n)));
  }
  if (problems.length > before || certPem === undefined || keyPem === undefined) return undefined;

  const settings: TlsServerSettings = {
    cert: certPem.text,
    key: new Secret(keyPem.text),
    clientCa: caPem?.text,
    clientAuth,
    allowedSans: t.client_allowed_sans,
    minVersion,
    maxVersion,
    ciphers,
    curves,
    honorCipherOrder: t.prefer_server_cipher_suites ?? true,
  };
  try {
    // Whatever OpenSSL itself refuses (a suite or curve this build lacks), refused now rather than at the first handshake.
    const { requestCert: _r, rejectUnauthorized: _u, ...context } = serverTlsOptions(settings);
    createSecureContext(context);
  } catch (err) {
    problems.push(`tls_server_config: Node's TLS refuses these settings (${(err as Error).message}); check cipher_suites, curve_preferences and the certificate files`);
    return undefined;
  }
  return settings;
}

interface PemSource {
  text: string;
  /** The key it came from: "cert" (inline) or "cert_file". */
  key: string;
  /** For messages: the resolved path, or "the inline value". */
  where: string;
}

/** Inline `name` or `name_file`, exactly one; undefined (with a problem pushed when `required`) otherwise. */
async function pemSource(inline: string | undefined, file: string | undefined, name: string, base: string, problems: string[], required?: string): Promise<PemSource | undefined> {
  const fileKey = `${name}_file`;
  if (inline !== undefined && file !== undefined) {
    problems.push(`tls_server_config: set either ${name} or ${fileKey}, not both`);
    return undefined;
  }
  if (inline !== undefined) return { text: inline, key: name, where: 'the inline value' };
  if (file === undefined) {
    if (required) problems.push(`tls_server_config.${fileKey}: required when tls_server_config is set; give ${required}`);
    return undefined;
  }
  const resolved = path.resolve(base, file);
  try {
    return { text: await readFile(resolved, 'utf8'), key: fileKey, where: JSON.stringify(resolved) };
  } catch (err) {
    problems.push(`tls_server_config.${fileKey}: cannot read ${JSON.stringify(resolved)} (${readFailure(err)})`);
    return undefined;
  }
}

function resolveHeaders(headers: Record<string, string>, problems: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const names = Object.keys(CONFIGURABLE_HEADERS);
  for (const [name, value] of Object.entries(headers)) {
    const canonical = names.find((n) => n.toLowerCase() === name.toLowerCase());
    if (canonical === undefined) {
      problems.push(`http_server_config.headers.${name}: this header can not be configured; allowed: ${names.join(', ')}`);
      continue;
    }
    if (value === '') continue; // "Unset if blank", as in the toolkit.
    const allowed = CONFIGURABLE_HEADERS[canonical];
    if (allowed && !allowed.includes(value.toLowerCase())) {
      problems.push(`http_server_config.headers.${canonical}: must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(value)}`);
      continue;
    }
    out[canonical] = value;
  }
  return out;
}

function resolveUsers(users: Record<string, string>, problems: string[], warnings: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [user, hash] of Object.entries(users)) {
    const at = `basic_auth_users.${/^[A-Za-z0-9_.@-]+$/.test(user) ? user : JSON.stringify(user)}`;
    if (user === '') {
      problems.push('basic_auth_users: a user name must not be empty');
      continue;
    }
    if (user.includes(':') || [...user].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
      problems.push(`${at}: user names cannot contain ":" or control characters (basic auth separates user and password with ":")`);
      continue;
    }
    if (typeof hash !== 'string' || !BCRYPT_HASH.test(hash)) {
      problems.push(`${at}: not a bcrypt hash (expected "$2y$" or "$2b$", a cost and 53 characters); ${HASH_HOWTO}`);
      continue;
    }
    const cost = Number((BCRYPT_HASH.exec(hash) as RegExpExecArray)[1]);
    if (cost < 4 || cost > 31) {
      problems.push(`${at}: bcrypt cost ${cost} is outside 4..31; ${HASH_HOWTO}`);
      continue;
    }
    if (cost > 12) warnings.push(`${at}: bcrypt cost ${cost} makes every uncached password check slow (each step doubles the time); 10 to 12 is typical`);
    out.set(user, hash);
  }
  return out;
}

async function resolveIngestAuth(
  a: { bearer_token_file?: string | undefined; bearer_token_env?: string | undefined } | undefined,
  base: string,
  env: Env,
  problems: string[],
  warnings: string[],
): Promise<IngestAuth | undefined> {
  if (!a) return undefined;
  if ((a.bearer_token_file === undefined) === (a.bearer_token_env === undefined)) {
    problems.push('ingest_auth: set exactly one of bearer_token_file (a file holding the token) or bearer_token_env (the name of an environment variable holding it)');
    return undefined;
  }
  let raw: string;
  let key: string;
  let source: string;
  if (a.bearer_token_file !== undefined) {
    const resolved = path.resolve(base, a.bearer_token_file);
    key = 'ingest_auth.bearer_token_file';
    source = `file ${resolved}`;
    try {
      raw = await readFile(resolved, 'utf8');
      const mode = (await stat(resolved)).mode;
      if (process.platform !== 'win32' && (mode & 0o004) !== 0) {
        warnings.push(`${key}: ${JSON.stringify(resolved)} is readable by every user (mode ${(mode & 0o777).toString(8)}); restrict it, e.g. chmod 600`);
      }
    } catch (err) {
      problems.push(`${key}: cannot read ${JSON.stringify(resolved)} (${readFailure(err)})`);
      return undefined;
    }
  } else {
    const name = a.bearer_token_env as string;
    key = 'ingest_auth.bearer_token_env';
    source = `env ${name}`;
    const value = env[name];
    if (value === undefined) {
      problems.push(`${key}: the environment variable ${name} is not set; set it to the token before starting modelwatch (${TOKEN_HOWTO})`);
      return undefined;
    }
    raw = value;
  }
  // Files usually end with a newline; surrounding white space is never part of a token.
  const token = raw.trim();
  if (token.length === 0) {
    problems.push(`${key}: the token is empty; ${TOKEN_HOWTO}`);
    return undefined;
  }
  if (!TOKEN_CHARS.test(token) || token.length > MAX_TOKEN_LENGTH) {
    problems.push(`${key}: the token must be visible ASCII characters without spaces, at most ${MAX_TOKEN_LENGTH} of them, to travel in an Authorization header; ${TOKEN_HOWTO}`);
    return undefined;
  }
  if (token.length < MIN_TOKEN_LENGTH) {
    problems.push(`${key}: the token is shorter than ${MIN_TOKEN_LENGTH} characters and could be guessed; ${TOKEN_HOWTO}`);
    return undefined;
  }
  return { source, token: new Secret(token) };
}

function readFailure(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  return (err as Error).message;
}

/** Keys whose values are secrets: their values are never quoted back. */
function isSecretPath(p: ReadonlyArray<PropertyKey>): boolean {
  return p[0] === 'basic_auth_users' || (p[0] === 'tls_server_config' && p[1] === 'key');
}

function formatIssues(issues: z.core.$ZodIssue[], raw: unknown): string[] {
  return issues.flatMap((issue) => {
    const where = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      const known = KNOWN_WEB_KEYS[issue.path.map(String).join('.')] ?? [];
      return issue.keys.map((key) => {
        const suggestion = closest(key, known);
        return `${formatPath([...issue.path, key])}: unknown key${suggestion ? `; did you mean "${suggestion}"?` : `; allowed here: ${known.join(', ')}`}`;
      });
    }
    const got = valueAt(raw, issue.path);
    const gotText = got === undefined ? 'it is missing' : isSecretPath(issue.path) ? `got a ${Array.isArray(got) ? 'list' : got === null ? 'null' : typeof got}` : `got ${JSON.stringify(got)}`;
    if (issue.code === 'invalid_value' && 'values' in issue) return [`${where}: must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}; ${gotText}`];
    if (issue.code === 'invalid_type') return [got === undefined ? `${where}: required key is missing; add it` : `${where}: expected ${issue.expected}, ${gotText}`];
    return [`${where}: ${issue.message}${got !== undefined && issue.code !== 'custom' ? ` (${gotText})` : ''}`];
  });
}

function valueAt(raw: unknown, p: ReadonlyArray<PropertyKey>): unknown {
  let cur: unknown = raw;
  for (const seg of p) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

