import { AppError } from "../errors.js";
import { cachedRead, type CachedRead, type ReadCache } from "../read-cache.js";
import type { ModelService } from "./model-service.js";

/** GET /v1/models/:id from the ReadCache (key `model:<id>`, dropped when the row changes or goes). */
export class ModelReads {
  constructor(
    private readonly models: ModelService,
    private readonly cache: ReadCache,
  ) {}

  async get(tenant: string, id: string): Promise<CachedRead> {
    const entry = await this.cache.load(`model:${id}`, async () => {
      const view = await this.models.get(tenant, id).catch((err: unknown) => {
        if (err instanceof AppError && err.code === "not_found") return undefined;
        throw err;
      });
      return view && cachedRead(tenant, JSON.stringify(view));
    });
    // Another tenant's model is as absent as a missing one (its entry names its owner).
    if (!entry || entry.tenant !== tenant) throw new AppError("not_found", `model ${id} not found`);
    return entry;
  }
}
