// One voice for the demo: progress lines on stderr in the launcher's colour, so stdout stays
// the console's own (serve prints its URL there).

export function say(msg: string): void {
  process.stderr.write(`\x1b[36m[keel]\x1b[0m ${msg}\n`);
}

/** Milliseconds since `t0`, as seconds with one decimal, for the phase timings. */
export const secondsSince = (t0: number): string =>
  `${((performance.now() - t0) / 1000).toFixed(1)} s`;

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
