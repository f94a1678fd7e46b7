/**
 * Registers the app shell's service worker (built by vite-plugin-pwa into
 * `/sw.js`), so that a door phone opened once online opens again with the
 * server unreachable. Only in a build (the dev server has no worker), and only
 * where browsers allow one: a secure context (HTTPS, or localhost). Over plain
 * HTTP on the hall's network there is no worker: the door still decides
 * offline while the page stays open, but a reload needs the server.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator) || !window.isSecureContext) return;
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
    // No worker (a private window, storage refused): the door works as a plain page.
  });
  // Ask the browser to keep the list and the outbox under storage pressure (granted by heuristics).
  void navigator.storage?.persist?.().catch(() => false);
}
