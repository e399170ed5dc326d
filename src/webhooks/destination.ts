/**
 * Where a webhook may go: http(s) URLs whose every address is public, unless the operator allows
 * private ones (WEBHOOK_ALLOW_PRIVATE). Checked when the URL is given and again at each delivery,
 * which then connects to the address it checked (no second DNS answer: DNS rebinding), so a
 * tenant cannot make the service call its own network (server-side request forgery: OWASP).
 */
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { within } from "../timeout.js";

/** Special-purpose ranges (IANA IPv4/IPv6 special-purpose registries): loopback, private, link-local, CGNAT, multicast, reserved. */
// Two lists: node's BlockList matches IPv4 addresses against IPv6 rules through their mapped form,
// and ::ffff:0:0/96 would then cover every IPv4 address.
const PRIVATE_V4 = new BlockList();
const PRIVATE_V6 = new BlockList();
// 192.88.99.0/24: the old 6to4 relay anycast, which relays to whatever IPv4 the packet names.
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  PRIVATE_V4.addSubnet(net, bits, "ipv4");
}
// Besides loopback, unique-local, link-local and multicast: every form that embeds or reaches an
// IPv4 address (IPv4-compatible ::/96, mapped ::ffff:0:0/96, SIIT ::ffff:0:0:0/96, NAT64
// 64:ff9b::/96 and 64:ff9b:1::/48, 6to4 2002::/16, Teredo and the IETF block 2001::/23), the
// deprecated site-local fec0::/10, discard-only 100::/64 and documentation 2001:db8::/32.
for (const [net, bits] of [
  ["::", 96],
  ["::ffff:0:0", 96],
  ["::ffff:0:0:0", 96],
  ["64:ff9b::", 96],
  ["64:ff9b:1::", 48],
  ["100::", 64],
  ["2001::", 23],
  ["2001:db8::", 32],
  ["2002::", 16],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
] as const) {
  PRIVATE_V6.addSubnet(net, bits, "ipv6");
}

/** True for an address the service must not call on a tenant's behalf. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE_V4.check(address, "ipv4");
  if (family !== 6) return true;
  // Every IPv6 form of an IPv4 address sits in a blocked range above, whichever IPv4 it names.
  return PRIVATE_V6.check(address, "ipv6");
}

export class DestinationError extends Error {}

/** Longest a webhook host's DNS answer is waited for (a slow resolver would hold job creation). */
const LOOKUP_TIMEOUT_MS = 3_000;

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
      addresses = await within(lookup(host, { all: true, verbatim: true }), LOOKUP_TIMEOUT_MS, "lookup");
    } catch (err) {
      throw new DestinationError(
        /timed out/.test((err as Error).message) ? `${host} did not resolve within ${LOOKUP_TIMEOUT_MS} ms` : `${host} does not resolve`,
      );
    }
  }
  if (!allowPrivate) {
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad)
      throw new DestinationError(
        `${host} is a loopback, private or reserved address (${bad.address}): webhooks go to public addresses only (WEBHOOK_ALLOW_PRIVATE)`,
      );
  }
  const first = addresses[0];
  if (!first) throw new DestinationError(`${host} does not resolve`);
  return { url, address: first.address, family: first.family as 4 | 6 };
}
