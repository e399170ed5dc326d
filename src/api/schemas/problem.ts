import { z } from "zod";

/** RFC 9457 problem details, the body of every error response. */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .describe("application/problem+json");

/**
 * Standard error responses to list on a route; 503 on every route, since any of them answers it
 * while Postgres (or Redis) is unreachable.
 */
export const problems = (...statuses: number[]) => Object.fromEntries([...new Set([...statuses, 503])].map((s) => [s, ProblemSchema]));

export const IdParamsSchema = z.object({ id: z.string().uuid() });
