import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const root = fileURLToPath(new URL('.', import.meta.url));
const libs = fileURLToPath(new URL('../../libs', import.meta.url));

/**
 * The browser apps (door, organisers). No React plugin: Vite's own transform
 * compiles JSX with the automatic runtime, which is all this app needs (no
 * fast refresh in dev is the price). The build is self-contained, the QR
 * decoder's WebAssembly included, because the hall's network may be the
 * server's Wi-Fi with no way out to a CDN.
 *
 * The service worker (Workbox, generated) precaches the whole build, wasm
 * included, so that a door phone opened once online opens `/door/` again
 * with the server unreachable. It never touches `/api`, `/socket.io` or
 * `/health`: those answers carry personal data or the truth of the moment,
 * and the door keeps what it needs itself, in IndexedDB.
 */
export default defineConfig({
  root,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  // /verify/ runs the charter's chain (libs/charter) in the browser, the door the deciders (a ticket code's
  // digest, libs/conference): their one use of node:crypto, a synchronous SHA-256, mapped.
  resolve: {
    alias: [
      { find: 'node:crypto', replacement: fileURLToPath(new URL('./src/verify/node-crypto.ts', import.meta.url)) },
      // The libraries, as tsconfig.json's paths name them: the contract's types and vocabularies, the deciders.
      { find: /^@emargement\/([a-z-]+)$/, replacement: `${libs}/$1/src/index.ts` },
      { find: /^@emargement\/([a-z-]+)\/(.*)\.js$/, replacement: `${libs}/$1/src/$2.ts` },
    ],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The wasm must be a file next to the bundle, never inlined as base64 nor fetched from a CDN.
    assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
  },
  plugins: [
    VitePWA({
      strategies: 'generateSW',
      // Registered by the door itself (src/door/service-worker.ts), not by every page.
      injectRegister: false,
      registerType: 'autoUpdate',
      filename: 'sw.js',
      manifestFilename: 'manifest.webmanifest',
      manifest: {
        name: 'Émargement — accueil',
        short_name: 'Émargement',
        description: 'Scanner les billets à la porte, avec ou sans réseau.',
        lang: 'fr',
        start_url: '/door/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        background_color: '#ffffff',
        theme_color: '#0b1f3a',
        icons: [
          { src: '/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
          { src: '/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The plugin adds the manifest itself.
        globPatterns: ['**/*.{js,css,html,wasm,svg}'],
        // The QR decoder's wasm is about a megabyte; Workbox's default ceiling is 2 MiB, raised for headroom.
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api(?:\/|$)/, /^\/socket\.io(?:\/|$)/, /^\/health(?:\/|$)/],
        // No runtime caching at all: anything not precached goes to the network as if there were no worker.
        runtimeCaching: [],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
      '/health': 'http://localhost:3000',
      '/socket.io': { target: 'http://localhost:3000', ws: true },
    },
  },
});
