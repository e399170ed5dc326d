/** csv-parse options shared by upload and by the worker reading a stored file back. */
export function csvOptions(delimiter: string) {
  return { bom: true, skip_empty_lines: true, delimiter, relax_quotes: false } as const;
}
