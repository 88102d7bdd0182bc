import { describe, expect, it } from 'vitest';
import { createRefusalLog } from '../../../src/main/server/refusal-log';

describe('refusal log', () => {
  it('writes_up_to_the_limit_per_window_then_summarises', () => {
    const lines: string[] = [];
    let t = 0;
    const log = createRefusalLog((l) => lines.push(l), { limit: 3, windowMs: 1000, now: () => t });
    for (let i = 0; i < 10; i++) log.refuse(`refused ${i}`);
    expect(lines).toEqual(['refused 0', 'refused 1', 'refused 2']);
    t = 1500;
    log.refuse('later');
    expect(lines.slice(3)).toEqual(['Refused 7 more requests in the last 1 s (not shown).', 'later']);
  });
});
