/**
 * The typed TypeScript client of the API: openapi-fetch over the types openapi-typescript
 * generates from the app's OpenAPI document (openapi.ts, `npm run client:generate`; a test fails
 * when they drift apart). The CLI, the dashboard and tests use it; so can any app:
 *
 *   const treino = treinoClient({ baseUrl: "http://localhost:3000", apiKey });
 *   const { data, error } = await treino.api.GET("/v1/jobs/{id}", { params: { path: { id } } });
 *
 * Runs wherever fetch does (Node 20, browsers); it touches no file.
 */
import { EventSourceParserStream } from "eventsource-parser/stream";
import createClient from "openapi-fetch";
import type { components, paths } from "./openapi.js";

export type { components, paths };
export type JobView = paths["/v1/jobs/{id}"]["get"]["responses"][200]["content"]["application/json"];
export type ModelView = paths["/v1/models/{id}"]["get"]["responses"][200]["content"]["application/json"];
export type ExperimentView = paths["/v1/experiments/{id}"]["get"]["responses"][200]["content"]["application/json"];
export type DatasetView = paths["/v1/datasets/{id}"]["get"]["responses"][200]["content"]["application/json"];
export type JobRequest = paths["/v1/jobs"]["post"]["requestBody"]["content"]["application/json"];
export type ExperimentRequest = paths["/v1/experiments"]["post"]["requestBody"]["content"]["application/json"];
export type RegisteredModelView = paths["/v1/registry/{name}"]["get"]["responses"][200]["content"]["application/json"];
export type VersionView = paths["/v1/registry/{name}/versions/{version}"]["get"]["responses"][200]["content"]["application/json"];
export type AliasMove = paths["/v1/registry/{name}/aliases/{alias}"]["put"]["requestBody"]["content"]["application/json"];

/** An error answer of the API (application/problem+json). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: { title?: string; detail?: string; errors?: Array<{ path: string; message: string }> },
  ) {
    super(
      `${status} ${problem.title ?? ""}: ${problem.detail ?? ""}${problem.errors?.length ? ` (${problem.errors.map((e) => `${e.path}: ${e.message}`).join("; ")})` : ""}`,
    );
  }
}

/** One Server-Sent Event of a job's stream. */
export interface JobEvent {
  event: "status" | "epoch" | "done" | "reconnect";
  id?: string;
  data: any;
}

export interface ClientOptions {
  baseUrl: string;
  apiKey?: string;
  fetch?: typeof fetch;
}

export function treinoClient(opts: ClientOptions) {
  const baseUrl = opts.baseUrl.replace(/\/+$/, "");
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const auth: Record<string, string> = opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {};
  const api = createClient<paths>({ baseUrl, headers: auth, fetch: doFetch });

  /** The data of a typed call, or an ApiError with the problem's detail. */
  async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
    const { data, error, response } = await call;
    if (error !== undefined || !response.ok) throw new ApiError(response.status, (error ?? {}) as never);
    return data as T;
  }

  async function raw(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await doFetch(`${baseUrl}${path}`, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } });
    if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => ({ detail: res.statusText })));
    return res;
  }

  return {
    api,
    ok,
    /** Uploads CSV (or JSON Lines) text or bytes as a dataset. */
    uploadDataset: async (name: string, body: string | Uint8Array | Blob, contentType = "text/csv"): Promise<DatasetView> =>
      (await raw(`/v1/datasets?name=${encodeURIComponent(name)}`, { method: "POST", headers: { "content-type": contentType }, body: body as BodyInit })).json(),
    createJob: (body: JobRequest) => ok(api.POST("/v1/jobs", { body })),
    getJob: (id: string) => ok(api.GET("/v1/jobs/{id}", { params: { path: { id } } })),
    getModel: (id: string) => ok(api.GET("/v1/models/{id}", { params: { path: { id } } })),
    createExperiment: (body: ExperimentRequest) => ok(api.POST("/v1/experiments", { body })),
    getExperiment: (id: string) => ok(api.GET("/v1/experiments/{id}", { params: { path: { id } } })),
    /** The model registry: names, versions, aliases (their files follow at `/v1/registry/<name>/aliases/<alias>/<file>`). */
    registry: {
      create: (name: string, description?: string) => ok(api.POST("/v1/registry", { body: { name, ...(description ? { description } : {}) } })),
      list: () => ok(api.GET("/v1/registry", { params: { query: { limit: 100 } } })),
      get: (name: string) => ok(api.GET("/v1/registry/{name}", { params: { path: { name } } })),
      register: (name: string, modelId: string, note?: string) =>
        ok(api.POST("/v1/registry/{name}/versions", { params: { path: { name } }, body: { modelId, ...(note ? { note } : {}) } })),
      versions: (name: string, limit = 100) => ok(api.GET("/v1/registry/{name}/versions", { params: { path: { name }, query: { limit } } })),
      moveAlias: (name: string, alias: string, body: AliasMove) =>
        ok(api.PUT("/v1/registry/{name}/aliases/{alias}", { params: { path: { name, alias } }, body })),
      audit: (name: string, limit = 50) => ok(api.GET("/v1/registry/{name}/audit", { params: { path: { name }, query: { limit } } })),
    },
    /** A model's files: model.json and the weights it names (TF.js layers model), or baseline.json. */
    modelFile: async (id: string, file: string): Promise<Uint8Array> =>
      new Uint8Array(await (await raw(`/v1/models/${id}/${encodeURIComponent(file)}`)).arrayBuffer()),
    /** A job's events as they come (Server-Sent Events over fetch, so the key goes in a header); ends after `done`. */
    async *jobEvents(id: string, signal?: AbortSignal): AsyncGenerator<JobEvent> {
      let lastId: string | undefined;
      for (;;) {
        const res = await raw(`/v1/jobs/${id}/events`, { headers: { accept: "text/event-stream", ...(lastId ? { "last-event-id": lastId } : {}) }, signal });
        // eventsource-parser follows the SSE spec: CRLF, multi-line data, comments and retry fields.
        const events = res.body!.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader();
        let reconnect = false;
        for (;;) {
          const { value: message, done } = await events.read();
          if (done) break;
          if (!message.event) continue;
          const event = message.event as JobEvent["event"];
          lastId = message.id ?? lastId;
          yield { event, id: lastId, data: JSON.parse(message.data || "null") };
          if (event === "done") return;
          if (event === "reconnect") reconnect = true;
        }
        if (!reconnect) return;
      }
    },
  };
}

export type TreinoClient = ReturnType<typeof treinoClient>;
