// Worker-thread bootstrap under tsx (as electron/compute/slice-thread.mjs): the bundles start candidates-thread.ts directly.
import { register } from 'tsx/esm/api';

register();
await import('./candidates-thread.ts');
