/** Seconds per phase of a job (read, prepare, fit, evaluate, export, ...), for its metrics and bench/. */
export interface PhaseClock {
  readonly phases: Record<string, number>;
  /** Charges the time since the previous lap (or the start) to `phase`. */
  lap(phase: string): void;
}

export function phaseClock(): PhaseClock {
  let last = performance.now();
  const phases: Record<string, number> = {};
  return {
    phases,
    lap(phase) {
      const now = performance.now();
      phases[phase] = Math.round(((phases[phase] ?? 0) + (now - last) / 1000) * 1e4) / 1e4;
      last = now;
    },
  };
}
