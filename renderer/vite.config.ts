import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const rendererRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
/** Kiln's version, from package.json: pages report it as workers do (electron/version.ts). */
const version = (JSON.parse(readFileSync(`${repoRoot}package.json`, 'utf8')) as { version: string }).version;

export default defineConfig({
  root: rendererRoot,
  // Relative asset URLs: the same build is loaded from file:// by Electron and over HTTP by `kiln serve`.
  base: './',
  plugins: [svelte()],
  define: { __KILN_VERSION__: JSON.stringify(version) },
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // autobahn-browser alone is ~360 kB minified; one chunk is fine for a local app.
    chunkSizeWarningLimit: 1200,
    // Two pages: the control center, and the join page a donor browser opens from an invite link.
    // What both pages share (autobahn-browser, the protocol) lands in one chunk, named for what it is
    // rather than after whichever module Rollup picks.
    rollupOptions: {
      input: { index: `${rendererRoot}index.html`, join: `${rendererRoot}join.html` },
      output: { chunkFileNames: 'assets/shared-[hash].js' },
    },
  },
  server: {
    // The renderer imports shared/ (protocol, TSP parsers) from outside its root.
    fs: { allow: [repoRoot] },
  },
});
