import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The browser apps (door, organisers). No React plugin: Vite's own transform
 * compiles JSX with the automatic runtime, which is all this app needs (no
 * fast refresh in dev is the price). The build is self-contained, the QR
 * decoder's WebAssembly included, because the hall's network may be the
 * server's Wi-Fi with no way out to a CDN.
 */
export default defineConfig({
  root,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  // /verify/ runs the charter's chain (libs/charter) in the browser: its one use of node:crypto, mapped.
  resolve: { alias: { 'node:crypto': fileURLToPath(new URL('./src/verify/node-crypto.ts', import.meta.url)) } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The wasm must be a file next to the bundle, never inlined as base64 nor fetched from a CDN.
    assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
  },
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
      '/health': 'http://localhost:3000',
      '/socket.io': { target: 'http://localhost:3000', ws: true },
    },
  },
});
