/**
 * Where a webhook may go: http(s) URLs whose every address is public, unless the operator allows
 * private ones (WEBHOOK_ALLOW_PRIVATE). Checked when the URL is given and again at each delivery,
 * which then connects to the address it checked (no second DNS answer: DNS rebinding), so a
 * tenant cannot make the service call its own network (server-side request forgery: OWASP).
 */
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

/** Special-purpose ranges (IANA IPv4/IPv6 special-purpose registries): loopback, private, link-local, CGNAT, multicast, reserved. */
const PRIVATE = new BlockList();
for (const [net, bits] of [["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12], ["192.0.0.0", 24], ["192.0.2.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["198.51.100.0", 24], ["203.0.113.0", 24], ["224.0.0.0", 4], ["240.0.0.0", 4]] as const) {
  PRIVATE.addSubnet(net, bits, "ipv4");
}
for (const [net, bits] of [["::", 128], ["::1", 128], ["64:ff9b::", 96], ["100::", 64], ["2001:db8::", 32], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8]] as const) {
  PRIVATE.addSubnet(net, bits, "ipv6");
}

/** True for an address the service must not call on a tenant's behalf. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, "ipv4");
  if (family !== 6) return true;
  // An IPv4-mapped IPv6 address (::ffff:127.0.0.1) is that IPv4 address.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? PRIVATE.check(mapped[1]!, "ipv4") : PRIVATE.check(address, "ipv6");
}

export class DestinationError extends Error {}

export interface Destination {
  url: URL;
  /** The address the delivery connects to. */
  address: string;
  family: 4 | 6;
}

/** Parses and resolves a webhook URL; throws DestinationError with what is wrong. */
export async function checkDestination(raw: string, allowPrivate: boolean): Promise<Destination> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DestinationError("not a URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new DestinationError("only http and https URLs");
  if (url.username || url.password) throw new DestinationError("no credentials in the URL: verify the signature instead");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: Array<{ address: string; family: number }>;
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch {
      throw new DestinationError(`${host} does not resolve`);
    }
  }
  if (!allowPrivate) {
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad) throw new DestinationError(`${host} is a loopback, private or reserved address (${bad.address}): webhooks go to public addresses only (WEBHOOK_ALLOW_PRIVATE)`);
  }
  const first = addresses[0];
  if (!first) throw new DestinationError(`${host} does not resolve`);
  return { url, address: first.address, family: first.family as 4 | 6 };
}
