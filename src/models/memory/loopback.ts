/**
 * Whose memory a probe reads: LAO's probes read the machine LAO runs on, so
 * they tell about a server only when it listens on this machine's loopback
 * (127.0.0.0/8, `::1`, `localhost`). A server on another host has memory LAO
 * cannot see (issue 16: one machine's memory is not another's).
 *
 * @module
 */

/** True when `baseUrl`'s host is a loopback address or `localhost`. */
export function isLoopbackUrl(baseUrl: string): boolean {
  let host: string;
  try {
    host = new URL(baseUrl).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host.endsWith(".")) host = host.slice(0, -1);
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  // The URL parser writes IPv4 in dotted decimal (127.1 → 127.0.0.1) and IPv6 in brackets.
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true;
  if (host === "[::1]") return true;
  // IPv4-mapped IPv6 of 127.0.0.0/8: ::ffff:7f00:0 - ::ffff:7fff:ffff.
  return /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(host);
}
