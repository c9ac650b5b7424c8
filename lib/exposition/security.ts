import { createHash, timingSafeEqual } from 'node:crypto';
import { EndpointOptionsError } from '../errors.js';

/** Credentials a scraper must present; both kinds may be given, either one then passes. */
export interface EndpointAuthOptions {
  /** HTTP basic auth (Prometheus' `basic_auth`). */
  basicAuth?: { username: string; password: string };
  /** A bearer token (Prometheus' `authorization: { credentials }`). */
  bearerToken?: string;
}

export interface AuthRejection {
  /** `WWW-Authenticate` challenge(s) for the 401. */
  challenges: string[];
}

/**
 * Checks the `Authorization` header. Returns undefined when the request may pass (or no
 * auth is configured), else the challenges to answer 401 with. Secrets are compared in
 * constant time and never logged.
 */
export function checkAuthorization(options: EndpointAuthOptions, authorization: string | undefined): AuthRejection | undefined {
  const { basicAuth, bearerToken } = options;
  if (basicAuth === undefined && bearerToken === undefined) return undefined;
  const header = authorization ?? '';
  const space = header.indexOf(' ');
  const scheme = space < 0 ? header.toLowerCase() : header.slice(0, space).toLowerCase();
  const credentials = space < 0 ? '' : header.slice(space + 1).trim();
  // Both checks run whatever the scheme, so the time taken tells nothing about which failed.
  const basicOk = basicAuth !== undefined && scheme === 'basic' && sameSecret(decodeBasic(credentials), `${basicAuth.username}:${basicAuth.password}`);
  const bearerOk = bearerToken !== undefined && scheme === 'bearer' && sameSecret(credentials, bearerToken);
  if (basicOk || bearerOk) return undefined;
  const challenges: string[] = [];
  if (basicAuth !== undefined) challenges.push('Basic realm="metrics", charset="UTF-8"');
  if (bearerToken !== undefined) challenges.push('Bearer realm="metrics"');
  return { challenges };
}

/** Throws at configuration time on an empty secret: an open door that looks closed. */
export function validateAuthOptions(options: EndpointAuthOptions, where: string): void {
  if (options.basicAuth !== undefined) {
    const { username, password } = options.basicAuth;
    if (typeof username !== 'string' || username === '' || username.includes(':') || typeof password !== 'string' || password === '') {
      throw new EndpointOptionsError(
        where,
        'basicAuth',
        'basicAuth needs a non-empty username without ":" and a non-empty password',
        "Pass { basicAuth: { username: 'prometheus', password: '<secret>' } }.",
      );
    }
  }
  if (options.bearerToken !== undefined && (typeof options.bearerToken !== 'string' || options.bearerToken === '')) {
    throw new EndpointOptionsError(where, 'bearerToken', 'bearerToken must be a non-empty string', "Pass { bearerToken: '<secret>' } or leave it out.");
  }
}

function decodeBasic(credentials: string): string {
  try {
    return Buffer.from(credentials, 'base64').toString('utf8');
  } catch {
    return '';
  }
}

/** Constant-time comparison of two strings of any length (hashing first evens the lengths). */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
