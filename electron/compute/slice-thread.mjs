// Worker-thread bootstrap under tsx: Node 20 does not pass --import loaders on to worker threads,
// so the thread registers tsx itself before loading the TypeScript entry. (The CLI and the desktop app
// bundle slice-thread.ts to JavaScript and start that directly.)
import { register } from 'tsx/esm/api';

register();
await import('./slice-thread.ts');
