import { describe, expect, it } from 'vitest';
import { loopLag, verdictAfter } from '../../electron/orchestrator/lag-timer.ts';

describe('a lag-aware verdict timer', () => {
  it('still gives its verdict on a matter never settled when every firing comes late: the extension is bounded', async () => {
    // A clock on which each reading is a second after the last: every firing looks 1 s late.
    let clock = 0;
    const now = () => (clock += 1000);
    let checks = 0;
    await new Promise<void>((resolve) => {
      verdictAfter(
        30,
        () => {
          checks++;
          return false;
        },
        resolve,
        now,
      );
    });
    expect(checks).toBe(1);
    // The lateness it saw is the machine's lag, which raises the grace of callees (workers.ts).
    expect(loopLag.recent(clock)).toBeGreaterThan(0);
  });
});
