import { ApiError, type TreinoClient } from "../client/index.js";
import { h } from "./dom.js";

/** What a page gets: the typed client, where to draw, and a signal that fires when the user leaves it. */
export interface Page {
  client: TreinoClient;
  main: HTMLElement;
  signal: AbortSignal;
  /** Fetches an API path with the key (images, downloads). */
  fetchBytes(path: string): Promise<Blob>;
}

/** A problem from the API, shown where the page was. */
export function showError(main: HTMLElement, err: unknown): void {
  const text = err instanceof ApiError ? err.message : (err as Error).message;
  main.append(h("p", { class: "error", role: "alert" }, text));
}

export const statusBadge = (status: string) => h("span", { class: `badge ${status}`, "data-status": status }, status);
