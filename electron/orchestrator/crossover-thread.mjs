// Worker-thread bootstrap under tsx (as electron/compute/slice-thread.mjs): the bundles start crossover-thread.ts directly.
import { register } from 'tsx/esm/api';

register();
await import('./crossover-thread.ts');
