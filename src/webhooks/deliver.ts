import { createHmac, randomUUID } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { checkDestination } from "./destination.js";

/** The header a receiver verifies: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. */
export const SIGNATURE_HEADER = "treino-signature";

/** A tenant's signing secret: derived from the operator's WEBHOOK_SIGNING_KEY, so each tenant has its own. */
export const tenantSecret = (signingKey: string, tenant: string) => createHmac("sha256", signingKey).update(`treino-webhook:${tenant}`).digest("hex");

export function signature(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export interface Delivery {
  status?: number;
  error?: string;
}

/**
 * POSTs a signed body to a webhook URL, connected to the address checked just before (the
 * request's own DNS lookup is replaced by that answer). No redirects are followed. Resolves with
 * the status, or the error; a 2xx is a delivery.
 */
export async function deliver(
  rawUrl: string,
  body: string,
  opts: { secret: string; event: string; allowPrivate: boolean; timeoutMs: number },
): Promise<Delivery> {
  let dest;
  try {
    dest = await checkDestination(rawUrl, opts.allowPrivate);
  } catch (err) {
    return { error: (err as Error).message };
  }
  // The cast: LookupFunction types its callback for one address; with `all` Node passes (and
  // expects) the list form, which @types/node does not overload.
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all)
      (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address: dest.address, family: dest.family }]);
    else callback(null, dest.address, dest.family);
  };
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(body)),
    "user-agent": "Treino-Webhooks/1",
    "treino-event": opts.event,
    "treino-delivery": randomUUID(),
    [SIGNATURE_HEADER]: signature(opts.secret, timestamp, body),
  };
  return new Promise((resolve) => {
    // One deadline for the whole attempt (connect, send, answer, its body): an idle timeout alone
    // let a receiver that trickles a byte every 400 ms hold a delivery open for good.
    const deadline = setTimeout(() => req.destroy(new Error(`no complete answer within ${opts.timeoutMs} ms (WEBHOOK_TIMEOUT_MS)`)), opts.timeoutMs);
    const settle = (d: Delivery) => {
      clearTimeout(deadline);
      resolve(d);
    };
    const req = (dest.url.protocol === "https:" ? https : http).request(
      dest.url,
      { method: "POST", headers, lookup: pinned, timeout: opts.timeoutMs },
      (res) => {
        res.resume(); // the receiver's answer is not read
        res.on("end", () => settle({ status: res.statusCode }));
        res.on("error", (err) => settle({ status: res.statusCode, error: err.message }));
        res.on("close", () =>
          settle({
            status: res.statusCode,
            error: res.complete ? undefined : `the answer was cut off (no complete answer within ${opts.timeoutMs} ms, WEBHOOK_TIMEOUT_MS)`,
          }),
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)));
    req.on("error", (err) => settle({ error: err.message }));
    req.end(body);
  });
}
