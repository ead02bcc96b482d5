import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vite';

const rendererRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * index.html carries the strict production CSP. Vite's dev server injects CSS through <style>
 * elements for hot reload, which that CSP refuses, so only the dev server relaxes style-src.
 */
function relaxCspForDevServer(): Plugin {
  return {
    name: 'kiln-relax-csp-for-dev-server',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
  };
}

export default defineConfig({
  root: rendererRoot,
  // Relative asset URLs: the same build is loaded from file:// by Electron and over HTTP by `kiln serve`.
  base: './',
  plugins: [svelte(), relaxCspForDevServer()],
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
