import type { FieldError } from "../../errors.js";

/** A training failure that retrying cannot fix (bad data, diverging loss): the job fails at once. */
export class TrainingError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A request training cannot accept (a spec, a column, a value), with the path of each problem.
 * Training's own error, free of HTTP: the API maps it to a 400 validation_failed.
 */
export class SpecError extends Error {
  readonly code = "validation_failed";
  constructor(
    readonly detail: string,
    readonly errors: FieldError[],
  ) {
    super(detail);
  }

  static of(errors: FieldError[]): SpecError {
    return new SpecError(errors.map((e) => `${e.path}: ${e.message}`).join("; "), errors);
  }
}
