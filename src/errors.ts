/** Every error code the service returns, with its HTTP status. One table, one body shape. */
export const ErrorCodes = {
  validation_failed: 400,
  malformed_csv: 400,
  malformed_jsonl: 400,
  invalid_encoding: 400,
  bad_request: 400,
  unauthorized: 401,
  quota_exceeded: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  service_unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

/** A field-level problem; `path` points into the request, e.g. `model.layers[2].units`. */
export interface FieldError {
  path: string;
  message: string;
}

/** The one error type services throw; the API turns it into problem+json. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail);
    this.status = ErrorCodes[code];
  }
}

/** Formats a path of keys/indexes the way users write it: `model.layers[2].units`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/**
 * Every service call acts for one tenant; an empty one (a request that skipped authentication)
 * is refused rather than served as a shared "" tenant.
 */
export function requireTenant(tenant: string): void {
  if (typeof tenant !== "string" || tenant.length === 0) throw new AppError("unauthorized", "no tenant: the request was not authenticated");
}
