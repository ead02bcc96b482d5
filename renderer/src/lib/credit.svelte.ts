import type { CreditBoard } from '../../../shared/protocol/wire.ts';
import { isRecord } from '../../../shared/protocol/validate.ts';

/** The donors' leaderboard for this session of the control center (kiln.credit.board / .leaderboard). */
class Credit {
  board = $state.raw<CreditBoard | null>(null);

  onBoard(payload: unknown): void {
    if (isRecord(payload) && Array.isArray(payload.rows)) this.board = payload as unknown as CreditBoard;
  }

  clear(): void {
    this.board = null;
  }
}

export const credit = new Credit();
