/**
 * The routers Kiln's components must work with, as profiles of Kiln's own router (limits.emulate):
 * Crossbar.io and Nexus cannot be installed where the tests run, so the distributed tests run once
 * per profile (vitest's describe.each) against Kiln's router behaving as each does where they differ.
 */
import type { RouterEmulation } from '../../electron/router/types.ts';

export interface RouterProfile {
  name: string;
  emulate: RouterEmulation;
}

export const ROUTER_PROFILES: RouterProfile[] = [
  { name: "Kiln's router", emulate: 'kiln' },
  { name: 'Crossbar.io 21.3.1 (no call queue, CALL timeout ignored)', emulate: 'crossbar' },
  { name: 'Nexus 3.2.2 (concurrency ignored)', emulate: 'nexus' },
];
