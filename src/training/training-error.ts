/** A training failure that retrying cannot fix (bad data, diverging loss): the job fails at once. */
export class TrainingError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
