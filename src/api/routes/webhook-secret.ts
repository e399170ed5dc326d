import { z } from "zod";
import { AppError } from "../../errors.js";
import { SIGNATURE_HEADER, tenantSecret } from "../../webhooks/deliver.js";
import type { App } from "../context.js";
import { problems } from "../schemas/problem.js";

/** GET /v1/webhooks/secret: the calling tenant's signing secret, and how a receiver checks a call. */
export default function webhookSecret(app: App) {
  app.get("/v1/webhooks/secret", {
    schema: {
      tags: ["webhooks"],
      summary: "This tenant's webhook signing secret and the signature scheme",
      response: { 200: z.object({ secret: z.string(), header: z.string(), scheme: z.string() }), ...problems(401, 404) },
    },
    handler: (req) => {
      const key = app.config.WEBHOOK_SIGNING_KEY;
      if (!key) throw new AppError("not_found", "webhooks are off on this service (the operator sets WEBHOOK_SIGNING_KEY)");
      return {
        secret: tenantSecret(key, req.tenant),
        header: SIGNATURE_HEADER,
        scheme: 't=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>; refuse a t older than 5 minutes',
      };
    },
  });
}
