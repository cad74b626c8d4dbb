/**
 * The web configuration file: the exporter toolkit's format is accepted as written, every mistake is
 * refused with the key and the fix, and no secret is ever quoted back.
 */
import { chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/load.js';
import { loadWebConfigFile, parseWebConfigText, serverTlsOptions, type Env, type WebConfig } from '../../src/server/web-config.js';
import { makeCerts, removeDir, type Certs } from './helpers.js';

const HASH = bcrypt.hashSync('pw', 4).replace(/^\$2b\$/, '$2y$');
const TOKEN = 'a-token-of-sufficient-length-42';

let certs: Certs;
let dir: string;
let file: string;
beforeAll(async () => {
  certs = await makeCerts();
  dir = await mkdtemp(path.join(os.tmpdir(), 'modelwatch-webcfg-'));
  file = path.join(dir, 'web.yml');
  await writeFile(path.join(dir, 'server.crt'), certs.serverCert);
  await writeFile(path.join(dir, 'server.key'), certs.serverKey);
  await writeFile(path.join(dir, 'other.key'), certs.otherKey);
  await writeFile(path.join(dir, 'clients.pem'), certs.clientCert);
  await writeFile(path.join(dir, 'token'), `${TOKEN}\n`, { mode: 0o600 });
  await writeFile(path.join(dir, 'short-token'), 'abc\n', { mode: 0o600 });
  await writeFile(path.join(dir, 'not-pem.txt'), 'hello\n');
});
afterAll(async () => {
  await removeDir(certs.dir);
  await removeDir(dir);
});

const TLS = 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n';

function parse(text: string, env: Env = {}): Promise<WebConfig> {
  return parseWebConfigText(text, file, env);
}

async function problems(text: string, env: Env = {}): Promise<string[]> {
  try {
    await parse(text, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain(`invalid configuration in ${file}`);
    return (err as ConfigError).problems;
  }
  throw new Error('expected the web configuration to be refused');
}

describe('web configuration: accepted', () => {
  it("reads the exporter toolkit's example (TLS and basic auth), resolving files against the config folder", async () => {
    const web = await parse(`# TLS and basic authentication configuration example.
tls_server_config:
  cert_file: server.crt
  key_file: server.key
basic_auth_users:
  alice: ${HASH}
  bob: ${bcrypt.hashSync('other', 4)}
`);
    expect(web.tls?.cert).toBe(certs.serverCert);
    expect(web.tls?.key.reveal()).toBe(certs.serverKey);
    expect(web.tls).toMatchObject({ clientAuth: 'NoClientCert', minVersion: 'TLS12', maxVersion: 'TLS13', honorCipherOrder: true });
    expect([...web.basicAuthUsers.keys()]).toEqual(['alice', 'bob']);
    expect(web.warnings).toEqual([]);
    expect(serverTlsOptions(web.tls!)).toMatchObject({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', requestCert: false, rejectUnauthorized: false });
  });

  it('accepts an empty file (nothing enabled) and empty sections', async () => {
    for (const text of ['', '# nothing\n', 'tls_server_config:\nbasic_auth_users:\n']) {
      const web = await parse(text);
      expect(web.tls).toBeUndefined();
      expect(web.basicAuthUsers.size).toBe(0);
      expect(web.ingestAuth).toBeUndefined();
    }
  });

  it('maps Go cipher suite, curve and version names to Node, keeping TLS 1.3 on', async () => {
    const web = await parse(`${TLS}  min_version: TLS12
  max_version: TLS13
  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256]
  curve_preferences: [X25519, CurveP256]
  prefer_server_cipher_suites: false
`);
    const opts = serverTlsOptions(web.tls!);
    expect(opts.ciphers).toBe('TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305');
    expect(opts.ecdhCurve).toBe('X25519:P-256');
    expect(opts.honorCipherOrder).toBe(false);
  });

  it('sets up verified client certificates', async () => {
    const web = await parse(`${TLS}  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: clients.pem\n`);
    expect(serverTlsOptions(web.tls!)).toMatchObject({ ca: certs.clientCert, requestCert: true, rejectUnauthorized: true });
    const any = await parse(`${TLS}  client_auth_type: RequireAnyClientCert\n  client_allowed_sans: [scraper.example]\n`);
    expect(serverTlsOptions(any.tls!)).toMatchObject({ requestCert: true, rejectUnauthorized: false });
    expect(any.tls!.allowedSans).toEqual(['scraper.example']);
  });

  it('adds the allowed security headers, in canonical spelling', async () => {
    const web = await parse('http_server_config:\n  headers:\n    x-frame-options: SAMEORIGIN\n    Strict-Transport-Security: max-age=31536000\n    Content-Security-Policy: ""\n');
    expect(web.headers).toEqual({ 'X-Frame-Options': 'SAMEORIGIN', 'Strict-Transport-Security': 'max-age=31536000' });
  });

  it('reads the ingest token from a file (trimmed) or from the environment', async () => {
    const fromFile = await parse(`${TLS}ingest_auth: {bearer_token_file: token}\n`);
    expect(fromFile.ingestAuth?.token.reveal()).toBe(TOKEN);
    expect(fromFile.ingestAuth?.source).toBe(`file ${path.join(dir, 'token')}`);
    const fromEnv = await parse(`${TLS}ingest_auth: {bearer_token_env: INGEST_TOKEN}\n`, { INGEST_TOKEN: ` ${TOKEN} ` });
    expect(fromEnv.ingestAuth?.token.reveal()).toBe(TOKEN);
    expect(fromEnv.ingestAuth?.source).toBe('env INGEST_TOKEN');
  });

  it('warns about credentials without TLS, ignored http2, world-readable token files and slow hashes', async () => {
    await chmod(path.join(dir, 'token'), 0o644);
    try {
      const web = await parse(`http_server_config: {http2: true}\nbasic_auth_users: {slow: "${HASH.replace('$04$', '$13$')}"}\ningest_auth: {bearer_token_file: token}\n`);
      const all = web.warnings.join('\n');
      expect(all).toContain('http_server_config.http2: modelwatch serves HTTP/1.1 only');
      expect(all).toContain('clear text');
      if (process.platform !== 'win32') expect(all).toContain('ingest_auth.bearer_token_file: ');
      expect(all).toContain('chmod 600');
      expect(all).toContain('basic_auth_users.slow: bcrypt cost 13');
    } finally {
      await chmod(path.join(dir, 'token'), 0o600);
    }
  });

  it('never prints the token or the private key when the loaded config is logged or serialised', async () => {
    const web = await parse(`${TLS}ingest_auth: {bearer_token_file: token}\n`);
    const keyLine = certs.serverKey.split('\n')[1]!;
    for (const text of [JSON.stringify(web), inspect(web, { depth: 10 }), String(web.ingestAuth?.token), `${web.tls?.key}`]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(keyLine);
    }
    expect(JSON.stringify(web.ingestAuth)).toContain('[redacted]');
  });
});

describe('docs/security.md', () => {
  it('shows a web config that loads as written', async () => {
    const doc = await readFile(fileURLToPath(new URL('../../../docs/security.md', import.meta.url)), 'utf8');
    const example = /```yaml\n(# web\.yml[\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const docDir = await mkdtemp(path.join(os.tmpdir(), 'modelwatch-doc-'));
    try {
      await mkdir(path.join(docDir, 'tls'));
      await mkdir(path.join(docDir, 'secrets'));
      await writeFile(path.join(docDir, 'tls', 'modelwatch.crt'), certs.serverCert);
      await writeFile(path.join(docDir, 'tls', 'modelwatch.key'), certs.serverKey);
      await writeFile(path.join(docDir, 'secrets', 'ingest.token'), `${TOKEN}\n`, { mode: 0o600 });
      const web = await parseWebConfigText(example!, path.join(docDir, 'web.yml'), {});
      expect(web.tls?.minVersion).toBe('TLS12');
      expect([...web.basicAuthUsers.keys()]).toEqual(['prometheus', 'oncall']);
      expect(web.ingestAuth?.token.reveal()).toBe(TOKEN);
      expect(web.warnings).toEqual([]);
    } finally {
      await removeDir(docDir);
    }
  });
});

describe('web configuration: refused with the key and the fix', () => {
  it('refuses a missing file and YAML syntax errors', async () => {
    await expect(loadWebConfigFile(path.join(dir, 'nope.yml'))).rejects.toThrow(/cannot read the web configuration file \(file not found\); pass an existing file with --web.config.file/);
    expect((await problems('basic_auth_users: {a: 1\n'))[0]).toMatch(/^YAML syntax error at line \d+/);
    expect(await problems('- a list\n')).toEqual([expect.stringContaining('must be a YAML mapping')]);
  });

  it('refuses unknown keys, suggesting the one meant', async () => {
    expect(await problems(`basic_auth_user: {alice: ${HASH}}\n`)).toEqual(['basic_auth_user: unknown key; did you mean "basic_auth_users"?']);
    expect(await problems(`tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_ca_files: clients.pem\n`)).toEqual(['tls_server_config.client_ca_files: unknown key; did you mean "client_ca_file"?']);
    expect(await problems('ingest_auth: {token: abc}\n')).toEqual([expect.stringMatching(/^ingest_auth\.token: unknown key; allowed here: bearer_token_file, bearer_token_env$/)]);
  });

  it('refuses rate_limit, which modelwatch does not implement', async () => {
    expect(await problems('rate_limit: {interval: 1s, burst: 20}\n')).toEqual([expect.stringMatching(/^rate_limit: not supported by modelwatch; remove it/)]);
  });

  it('validates bcrypt hashes at load time without quoting them', async () => {
    const bad = await problems('basic_auth_users:\n  alice: plaintext-password\n  bob: "$2y$10$tooshort"\n');
    expect(bad).toHaveLength(2);
    expect(bad.find((p) => p.startsWith('basic_auth_users.alice: not a bcrypt hash'))).toContain('htpasswd -nBC 10');
    expect(bad.find((p) => p.startsWith('basic_auth_users.bob: not a bcrypt hash'))).toBeDefined();
    const wrongType = await problems('basic_auth_users:\n  carol: 12345\n');
    expect(wrongType).toEqual(['basic_auth_users.carol: expected string, got a number']);
    for (const p of [...bad, ...wrongType]) {
      expect(p).not.toContain('plaintext-password');
      expect(p).not.toContain('tooshort');
      expect(p).not.toContain('12345');
    }
    expect(await problems(`basic_auth_users: {"a:b": "${HASH}"}\n`)).toEqual([expect.stringContaining('user names cannot contain ":"')]);
    expect(await problems(`basic_auth_users: {ok: "${HASH.replace('$04$', '$03$')}"}\n`)).toEqual([expect.stringContaining('basic_auth_users.ok: bcrypt cost 3 is outside 4..31')]);
  });

  it('refuses incomplete or unreadable TLS settings', async () => {
    expect(await problems('tls_server_config: {cert_file: server.crt}\n')).toEqual([expect.stringMatching(/^tls_server_config\.key_file: required when tls_server_config is set/)]);
    expect(await problems('tls_server_config: {min_version: TLS13}\n')).toHaveLength(2);
    expect(await problems('tls_server_config: {cert_file: missing.crt, key_file: server.key}\n')).toEqual([`tls_server_config.cert_file: cannot read ${JSON.stringify(path.join(dir, 'missing.crt'))} (file not found)`]);
    expect(await problems('tls_server_config: {cert_file: not-pem.txt, key_file: server.key}\n')).toEqual([expect.stringMatching(/^tls_server_config\.cert_file: .*not-pem\.txt" holds no PEM certificate/)]);
    expect(await problems('tls_server_config: {cert_file: server.crt, key_file: not-pem.txt}\n')).toEqual([expect.stringMatching(/^tls_server_config\.key_file: .* holds no unencrypted PEM private key/)]);
    expect(await problems('tls_server_config: {cert_file: server.crt, key_file: other.key}\n')).toEqual([
      'tls_server_config.key_file: the private key does not belong to the certificate in cert_file; give the key the certificate was issued for',
    ]);
    expect(await problems(`${TLS}  cert: inline\n`)).toEqual(['tls_server_config: set either cert or cert_file, not both']);
  });

  it('refuses client-certificate settings that would not do what they say', async () => {
    expect(await problems(`${TLS}  client_auth_type: RequireAndVerifyClientCerts\n`)).toEqual([expect.stringMatching(/^tls_server_config\.client_auth_type: must be one of "NoClientCert", .*"RequireAndVerifyClientCert"; got "RequireAndVerifyClientCerts"$/)]);
    expect(await problems(`${TLS}  client_auth_type: RequireAndVerifyClientCert\n`)).toEqual([expect.stringContaining('tls_server_config.client_ca_file: client_auth_type RequireAndVerifyClientCert verifies client certificates; give the CA')]);
    expect(await problems(`${TLS}  client_ca_file: clients.pem\n`)).toEqual([expect.stringContaining('a client CA is set but client_auth_type is NoClientCert; set client_auth_type: RequireAndVerifyClientCert')]);
    expect(await problems(`${TLS}  client_auth_type: VerifyClientCertIfGiven\n  client_ca_file: clients.pem\n  client_allowed_sans: [x]\n`)).toEqual([
      expect.stringContaining('tls_server_config.client_allowed_sans: requires client_auth_type RequireAnyClientCert or RequireAndVerifyClientCert'),
    ]);
    expect(await problems(`${TLS}  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: not-pem.txt\n`)).toEqual([expect.stringContaining('holds no PEM certificate; give the CA certificate(s)')]);
  });

  it("refuses versions, suites and curves Node's TLS does not support, naming each", async () => {
    expect(await problems(`${TLS}  min_version: TLS10\n`)).toEqual([expect.stringContaining('tls_server_config.min_version: TLS10 is not supported (TLS 1.0 and 1.1 are deprecated, RFC 8996); use TLS12 or TLS13')]);
    expect(await problems(`${TLS}  min_version: TLS14\n`)).toEqual([expect.stringMatching(/^tls_server_config\.min_version: must be one of "TLS10", "TLS11", "TLS12", "TLS13"; got "TLS14"$/)]);
    expect(await problems(`${TLS}  min_version: TLS13\n  max_version: TLS12\n`)).toEqual([expect.stringContaining('min_version: TLS13 is above max_version TLS12')]);
    const suites = await problems(`${TLS}  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_RSA_WITH_AES_128_CBC_SHA, TLS_RSA_WITH_RC4_128_SHA]\n`);
    expect(suites).toHaveLength(2);
    expect(suites[0]).toMatch(/^tls_server_config\.cipher_suites\[1\]: unknown or insecure cipher suite "TLS_RSA_WITH_AES_128_CBC_SHA"; supported: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, /);
    expect(suites[1]).toMatch(/^tls_server_config\.cipher_suites\[2\]: /);
    expect(await problems(`${TLS}  cipher_suites: [TLS_AES_128_GCM_SHA256]\n`)).toEqual([expect.stringContaining('lists no TLS 1.2 suite while min_version allows TLS 1.2')]);
    await expect(parse(`${TLS}  min_version: TLS13\n  cipher_suites: [TLS_AES_128_GCM_SHA256]\n`)).resolves.toBeDefined();
    expect(await problems(`${TLS}  curve_preferences: [CurveP256, X25519MLKEM768]\n`)).toEqual([
      'tls_server_config.curve_preferences[1]: unknown or unsupported curve "X25519MLKEM768"; supported: CurveP256, CurveP384, CurveP521, X25519',
    ]);
  });

  it('refuses headers the toolkit does not let a web config set, and bad enumerated values', async () => {
    expect(await problems('http_server_config:\n  headers: {Server: modelwatch}\n')).toEqual([expect.stringMatching(/^http_server_config\.headers\.Server: this header can not be configured; allowed: Content-Security-Policy, /)]);
    expect(await problems('http_server_config:\n  headers: {X-Frame-Options: allow}\n')).toEqual(['http_server_config.headers.X-Frame-Options: must be one of "deny", "sameorigin", got "allow"']);
    expect(await problems('http_server_config:\n  headers: {Content-Security-Policy: "a\\r\\nSet-Cookie: x=1"}\n')).toEqual([expect.stringContaining('header values must be printable ASCII on one line')]);
  });

  it('refuses an ingest token that is missing, ambiguous, too short or unsendable, never quoting it', async () => {
    expect(await problems('ingest_auth: {}\n')).toEqual([expect.stringMatching(/^ingest_auth: set exactly one of bearer_token_file .* or bearer_token_env/)]);
    expect(await problems('ingest_auth: {bearer_token_file: token, bearer_token_env: X}\n')).toHaveLength(1);
    expect(await problems('ingest_auth: {bearer_token_env: INGEST_TOKEN}\n')).toEqual([expect.stringMatching(/^ingest_auth\.bearer_token_env: the environment variable INGEST_TOKEN is not set; .*openssl rand -hex 32/)]);
    expect(await problems('ingest_auth: {bearer_token_env: 1BAD}\n')).toEqual([expect.stringContaining('must be an environment variable name')]);
    expect(await problems('ingest_auth: {bearer_token_file: missing}\n')).toEqual([expect.stringMatching(/^ingest_auth\.bearer_token_file: cannot read .*missing" \(file not found\)$/)]);
    const short = await problems('ingest_auth: {bearer_token_file: short-token}\n');
    expect(short).toEqual([expect.stringContaining('ingest_auth.bearer_token_file: the token is shorter than 16 characters')]);
    expect(short[0]).not.toContain('abc');
    const spaced = await problems('ingest_auth: {bearer_token_env: T}\n', { T: 'has a space inside the token value' });
    expect(spaced).toEqual([expect.stringContaining('visible ASCII characters without spaces')]);
    expect(spaced[0]).not.toContain('has a space');
    expect(await problems('ingest_auth: {bearer_token_env: T}\n', { T: '  \n' })).toEqual([expect.stringContaining('the token is empty')]);
  });

  it('reports every problem at once', async () => {
    const all = await problems(`tls_server_config: {cert_file: server.crt, key_file: server.key, min_version: TLS11}\nbasic_auth_users: {a: nope}\ningest_auth: {bearer_token_env: UNSET}\n`);
    expect(all.map((p) => p.split(':')[0])).toEqual(['tls_server_config.min_version', 'basic_auth_users.a', 'ingest_auth.bearer_token_env']);
  });
});
