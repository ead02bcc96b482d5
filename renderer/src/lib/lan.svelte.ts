import type { LanMachine } from '../../../shared/protocol/wire.ts';
import { isRecord } from '../../../shared/protocol/validate.ts';

function isLanMachine(value: unknown): value is LanMachine {
  return (
    isRecord(value) &&
    typeof value.machineId === 'string' &&
    typeof value.host === 'string' &&
    typeof value.address === 'string' &&
    typeof value.cores === 'number' &&
    (value.state === 'available' || value.state === 'invited' || value.state === 'paired')
  );
}

/** The machines the control center sees on the LAN, from kiln.lan.list and kiln.lan.machines (the full list each time). */
class LanMachines {
  list = $state.raw<LanMachine[]>([]);
  /** False when this session may not see the LAN (not a controller) or the router offers no LAN service. */
  available = $state(false);

  onList(payload: unknown): void {
    if (!Array.isArray(payload)) return;
    this.list = payload.filter(isLanMachine);
    this.available = true;
  }

  clear(): void {
    this.list = [];
    this.available = false;
  }
}

export const lanMachines = new LanMachines();
