/** Writes refusals, at most `limit` lines per `windowMs`; a flood is summarised instead of flooding the log. */
export interface RefusalLog {
  refuse(line: string): void;
}

/** A rate-limited log of refused requests. */
export function createRefusalLog(write: (line: string) => void, options: { limit?: number; windowMs?: number; now?: () => number } = {}): RefusalLog {
  const limit = options.limit ?? 20;
  const windowMs = options.windowMs ?? 10_000;
  const now = options.now ?? Date.now;
  let windowStart = -Infinity;
  let written = 0;
  let suppressed = 0;
  return {
    refuse(line) {
      const t = now();
      if (t - windowStart >= windowMs) {
        if (suppressed) write(`Refused ${suppressed} more request${suppressed === 1 ? '' : 's'} in the last ${Math.round(windowMs / 1000)} s (not shown).`);
        windowStart = t;
        written = 0;
        suppressed = 0;
      }
      if (written < limit) {
        written += 1;
        write(line);
      } else {
        suppressed += 1;
      }
    },
  };
}
