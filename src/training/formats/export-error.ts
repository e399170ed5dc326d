/** A model that cannot be written in a format (a layer with no equivalent there): a 409 on the API. */
export class ExportError extends Error {}
