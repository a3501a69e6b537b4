/**
 * Where a credential goes, as the product decides it: the parsed origin (scheme, host, port) of an
 * address, never the text as written. `https://vault.corp.example.com:8200@evil.example` is a URL
 * whose user info is `vault.corp.example.com:8200` and whose host is `evil.example`: the request
 * goes to evil.example, so that is what an approval, a trust list and a prompt must name.
 *
 * Parsing is WHATWG URL (`new URL`), the parser Node's fetch/undici and the SDKs' endpoint code use.
 * What is handed to a provider is rebuilt from the parsed parts (`url`), so a second parser never
 * sees the original text and cannot read another host out of it.
 */

export type ParsedAddress =
  | {
      ok: true;
      /** `scheme://host[:port]`, lower case, the default port left out (URL.origin). */
      origin: string;
      /** The origin plus the path (no trailing slash), without user info, query or fragment. */
      url: string;
      scheme: 'http' | 'https';
      /** Host name or bracketed IPv6 address, lower case. */
      host: string;
      /** The port requests go to (443 / 80 when none is written). */
      port: number;
    }
  | { ok: false; reason: 'user-info' | 'not-http' | 'invalid'; /** Where it would really go, for user-info (never the user info itself). */ origin?: string };

export function parseAddress(text: string): ParsedAddress {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: 'not-http' };
  if (url.hostname === '') return { ok: false, reason: 'invalid' };
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'user-info', origin: url.origin };
  const scheme = url.protocol === 'https:' ? 'https' : 'http';
  const path = url.pathname.replace(/\/+$/, '');
  return {
    ok: true,
    origin: url.origin,
    url: `${url.origin}${path}`,
    scheme,
    host: url.hostname,
    port: url.port !== '' ? Number(url.port) : scheme === 'https' ? 443 : 80,
  };
}

/** The origin of an address, or undefined when it is not a plain http(s) address. */
export function originOf(text: string): string | undefined {
  const parsed = parseAddress(text);
  return parsed.ok ? parsed.origin : undefined;
}

/** Why an address is refused, in the product's words (never quoting user info). */
export function addressProblem(parsed: Exclude<ParsedAddress, { ok: true }>): string {
  switch (parsed.reason) {
    case 'user-info':
      return `it holds user info before "@", so requests would go to ${parsed.origin ?? 'another host'}, not to what precedes "@"`;
    case 'not-http':
      return 'it is not an http:// or https:// address';
    default:
      return 'it is not a valid URL';
  }
}

/**
 * The TLS settings a credential is approved together with (HashiCorp Vault): turning off
 * verification or naming another CA later is a new decision. The CA is identified by the SHA-256
 * of its content, so replacing the file's content behind the same path is a change too.
 */
export interface TlsSettings {
  skipVerify: boolean;
  /** SHA-256 (hex) of the CA certificate file's content, when one is named. */
  caSha256?: string;
  /** The CA file as named (`ca_certificate` relative to the vault configuration, or VAULT_CACERT), for prompts. */
  caFile?: string;
}

/** A stable text for TLS settings: '' for the default (verified against the system's CAs). */
export function tlsIdentity(tls: TlsSettings | undefined): string {
  if (!tls) return '';
  const parts: string[] = [];
  if (tls.skipVerify) parts.push('skip-verify');
  if (tls.caSha256) parts.push(`ca-sha256:${tls.caSha256}`);
  return parts.join('+');
}
