/**
 * The TLS vocabulary of the Prometheus exporter toolkit's web configuration (Go names: `TLS12`,
 * `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`, `CurveP256`, `RequireAndVerifyClientCert`) translated into
 * Node's `tls` options, plus the client-certificate policies Node cannot enforce during the handshake
 * (a certificate required but not verified, verified only when given, allowed SANs), which are checked
 * once the handshake is done.
 */
import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';

export const TLS_VERSIONS = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' } as const;
export type TlsVersionName = keyof typeof TLS_VERSIONS;
export const TLS_VERSION_NAMES = Object.keys(TLS_VERSIONS) as TlsVersionName[];

/**
 * The suites Go's `tls.CipherSuites()` lists as secure (the set the toolkit accepts), with their OpenSSL
 * names. RSA key exchange, CBC-SHA256, RC4 and 3DES suites are not in it and are refused.
 */
export const TLS12_CIPHER_SUITES: Readonly<Record<string, string>> = {
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
};

/** TLS 1.3 suites: same names in Go and OpenSSL. */
export const TLS13_CIPHER_SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'] as const;

/** Used for TLS 1.3 when cipher_suites names only TLS 1.2 suites (Go never restricts TLS 1.3 suites). */
const DEFAULT_TLS13_SUITES = 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256';

export const CIPHER_SUITE_NAMES = [...Object.keys(TLS12_CIPHER_SUITES), ...TLS13_CIPHER_SUITES];

export const CURVES: Readonly<Record<string, string>> = { CurveP256: 'P-256', CurveP384: 'P-384', CurveP521: 'P-521', X25519: 'X25519' };
export const CURVE_NAMES = Object.keys(CURVES);

export const CLIENT_AUTH_TYPES = ['NoClientCert', 'RequestClientCert', 'RequireAnyClientCert', 'RequireClientCert', 'VerifyClientCertIfGiven', 'RequireAndVerifyClientCert'] as const;
export type ClientAuthType = (typeof CLIENT_AUTH_TYPES)[number];

/** Client auth types under which a connection without a client certificate is refused. */
export function requiresClientCert(type: ClientAuthType): boolean {
  return type === 'RequireAnyClientCert' || type === 'RequireClientCert' || type === 'RequireAndVerifyClientCert';
}

/** Client auth types that verify a client certificate against the client CA. */
export function verifiesClientCert(type: ClientAuthType): boolean {
  return type === 'VerifyClientCertIfGiven' || type === 'RequireAndVerifyClientCert';
}

/** Node's `ciphers` string for the configured suite names (already validated against CIPHER_SUITE_NAMES). */
export function nodeCiphers(names: readonly string[]): string {
  const tls12 = names.flatMap((n) => (TLS12_CIPHER_SUITES[n] === undefined ? [] : [TLS12_CIPHER_SUITES[n]]));
  const tls13 = names.filter((n) => (TLS13_CIPHER_SUITES as readonly string[]).includes(n));
  // Node turns TLS 1.3 off when the list holds no TLS 1.3 suite; Go keeps its defaults for TLS 1.3.
  return [...(tls13.length > 0 ? tls13 : [DEFAULT_TLS13_SUITES]), ...tls12].join(':');
}

/** The `ecdhCurve` option for the configured curve names (already validated). */
export function nodeCurves(names: readonly string[]): string {
  return names.map((n) => CURVES[n] as string).join(':');
}

/** The Node options for a client auth type: whether to ask for a certificate and whether the handshake verifies it. */
export function clientAuthOptions(type: ClientAuthType): { requestCert: boolean; rejectUnauthorized: boolean } {
  if (type === 'NoClientCert') return { requestCert: false, rejectUnauthorized: false };
  return { requestCert: true, rejectUnauthorized: type === 'RequireAndVerifyClientCert' };
}

/**
 * Why a connection whose handshake just completed must be closed, or undefined to keep it: the policies
 * OpenSSL's server mode has no switch for.
 */
export function peerCertificateProblem(socket: TLSSocket, type: ClientAuthType, allowedSans: readonly string[] | undefined): string | undefined {
  if (type === 'NoClientCert' || type === 'RequestClientCert') return undefined;
  const peer = socket.getPeerCertificate();
  const presented = peer !== null && typeof peer === 'object' && Object.keys(peer).length > 0;
  if (!presented) return requiresClientCert(type) ? 'no client certificate presented' : undefined;
  if (verifiesClientCert(type) && !socket.authorized) return `client certificate not verified (${String(socket.authorizationError ?? 'unknown reason')})`;
  if (allowedSans !== undefined) {
    let sans: string[];
    try {
      sans = subjectAltNames(new X509Certificate(peer.raw).subjectAltName);
    } catch {
      return 'client certificate could not be parsed';
    }
    const allowed = new Set(allowedSans.map(normaliseSan));
    if (!sans.some((s) => allowed.has(normaliseSan(s)))) return 'client certificate has none of the allowed SANs';
  }
  return undefined;
}

/**
 * The DNS, IP, e-mail and URI values of Node's `subjectAltName` text ("DNS:a.example, IP Address:10.0.0.1,
 * URI:spiffe://x"); values with unusual characters come JSON-quoted.
 */
export function subjectAltNames(text: string | undefined): string[] {
  const out: string[] = [];
  if (!text) return out;
  let i = 0;
  while (i < text.length) {
    const colon = text.indexOf(':', i);
    if (colon < 0) break;
    const type = text.slice(i, colon);
    let value: string;
    let end: number;
    if (text[colon + 1] === '"') {
      // A JSON string: find its closing quote, skipping escaped characters.
      let j = colon + 2;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      value = JSON.parse(text.slice(colon + 1, j + 1)) as string;
      end = j + 1;
    } else {
      const comma = text.indexOf(', ', colon + 1);
      end = comma < 0 ? text.length : comma;
      value = text.slice(colon + 1, end);
    }
    if (type === 'DNS' || type === 'IP Address' || type === 'email' || type === 'URI') out.push(value);
    i = end + 2;
  }
  return out;
}

/** IPv6 addresses in canonical (compressed, lower-case) form so "0:0:0:0:0:0:0:1" equals "::1". */
function normaliseSan(value: string): string {
  if (!value.includes(':') || !/^[0-9A-Fa-f:.]+$/.test(value)) return value;
  try {
    return new URL(`http://[${value}]/`).hostname.slice(1, -1);
  } catch {
    return value;
  }
}
