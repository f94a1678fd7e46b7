import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
// The WebAssembly is bundled with the app and served by our own server: by
// default zxing-wasm would fetch it from a CDN, which a hall without internet
// (or a firewall) turns into a camera that never reads anything.
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

let prepared = false;

function prepare(): void {
  if (prepared) return;
  prepareZXingModule({
    overrides: {
      locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasmUrl : prefix + path),
    },
  });
  prepared = true;
}

/** The text of the first QR code found in the frame, or null. */
export async function decodeQr(image: ImageData): Promise<string | null> {
  prepare();
  const results = await readBarcodes(image, { formats: ['QRCode'], tryHarder: true, maxNumberOfSymbols: 1 });
  const found = results.find((r) => r.isValid && r.text !== '');
  return found ? found.text : null;
}
