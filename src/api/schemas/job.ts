import { z } from "zod";
import { JobViewSchema as JobSchema } from "../../jobs/job-view.js";

export { JobSchema };
export const JobListSchema = z.object({ items: z.array(JobSchema), nextCursor: z.string().nullable() });
