import { z } from "zod";
import type { Config } from "../config.js";
import { AppError } from "../errors.js";
import { checkDestination, DestinationError } from "./destination.js";

export const WebhookUrlSchema = z
  .string()
  .max(2000)
  .optional()
  .describe("Called with a signed POST when it ends (see GET /v1/webhooks/secret); http(s), public addresses only unless WEBHOOK_ALLOW_PRIVATE");

/** Refuses (400, path webhookUrl) a URL webhooks may not call, or any URL while webhooks are off. */
export async function checkWebhookUrl(config: Config, url: string | undefined): Promise<void> {
  if (url === undefined) return;
  const fail = (message: string) => new AppError("validation_failed", `webhookUrl: ${message}`, [{ path: "webhookUrl", message }]);
  if (!config.WEBHOOK_SIGNING_KEY) throw fail("webhooks are off on this service (the operator sets WEBHOOK_SIGNING_KEY)");
  try {
    await checkDestination(url, config.WEBHOOK_ALLOW_PRIVATE);
  } catch (err) {
    if (err instanceof DestinationError) throw fail(err.message);
    throw err;
  }
}
