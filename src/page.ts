import { z } from "zod";

/** `?limit=&cursor=` of every list (default 20, max 100); the cursor is the last item's id. */
export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().uuid().optional(),
});
export type PageQuery = z.infer<typeof PageQuerySchema>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Prisma arguments for one page, newest first (id breaks ties). */
export function pageArgs(q: PageQuery) {
  return {
    take: q.limit + 1,
    ...(q.cursor ? { cursor: { id: q.cursor }, skip: 1 } : {}),
    orderBy: [{ createdAt: "desc" as const }, { id: "desc" as const }],
  };
}

/** Cuts the extra row fetched by pageArgs into the next cursor. */
export function toPage<R extends { id: string }, T>(rows: R[], q: PageQuery, map: (r: R) => T): Page<T> {
  const more = rows.length > q.limit;
  const kept = more ? rows.slice(0, q.limit) : rows;
  return { items: kept.map(map), nextCursor: more ? kept[kept.length - 1]!.id : null };
}
