import { api, ApiError, NetworkError, type ScanRequest, type ScanResult } from './api';
import { storage } from './storage';

/**
 * Scans that got no answer (network down, server restarting) are kept in
 * localStorage and sent again until they get one. The scan keeps its scanId
 * and scannedAt, so a retry of a scan the server did record is answered as
 * the first time and writes nothing, and a late one keeps its real time.
 */

export interface QueuedScan {
  conferenceId: string;
  body: ScanRequest;
  /** For the notice if the late answer is a refusal. */
  label: string;
}

export interface LateAnswer {
  scan: QueuedScan;
  result: ScanResult;
}

const KEY = 'scanQueue';
const MAX = 500;

export const scanQueue = {
  all: (): QueuedScan[] => storage.json<QueuedScan[]>(KEY, []),

  add(scan: QueuedScan): void {
    const queue = scanQueue.all().filter((s) => s.body.scanId !== scan.body.scanId);
    storage.setJson(KEY, [...queue, scan].slice(-MAX));
  },

  remove(scanId: string): void {
    storage.setJson(
      KEY,
      scanQueue.all().filter((s) => s.body.scanId !== scanId),
    );
  },

  /**
   * Sends every queued scan once, oldest first, and stops at the first network
   * error (the network is still down; the rest would fail the same way). A scan
   * the server answers with an error other than the network's (or a 401, which
   * re-pairing the device cures) is dropped: sending it again would get the
   * same error.
   */
  async flush(onAnswer: (answer: LateAnswer) => void): Promise<void> {
    for (const scan of scanQueue.all()) {
      try {
        const result = await api.scan(scan.conferenceId, scan.body);
        scanQueue.remove(scan.body.scanId);
        onAnswer({ scan, result });
      } catch (error) {
        if (error instanceof NetworkError) return;
        if (error instanceof ApiError && error.status >= 500) return;
        // Not (or no longer) enrolled: the scans wait for the device to be paired again.
        if (error instanceof ApiError && error.status === 401) return;
        scanQueue.remove(scan.body.scanId);
      }
    }
  },
};
