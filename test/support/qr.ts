// The tests' one QR decoder: zxing-wasm, the same ZXing build the door app
// bundles (apps/web/src/qr/decoder.ts), so a ticket or pairing code the tests
// read back is read by the decoder that reads it in the hall.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PNG } from 'pngjs';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';

let prepared = false;

function prepare(): void {
  if (prepared) return;
  // By default zxing-wasm fetches its WebAssembly from a CDN; tests run
  // offline, so hand it the file that ships in node_modules.
  const wasm = readFileSync(createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm'));
  prepareZXingModule({
    // (A copy: a Buffer may be a view into Node's shared pool, not its own ArrayBuffer.)
    overrides: { wasmBinary: new Uint8Array(wasm).buffer },
  });
  prepared = true;
}

/** The text a QR code in a PNG (bytes, or a `data:image/png;base64,` URL) carries; throws if none is found. */
export async function decodeQrPng(png: Buffer | string): Promise<string> {
  const bytes = typeof png === 'string' ? Buffer.from(png.slice(png.indexOf(',') + 1), 'base64') : png;
  const image = PNG.sync.read(bytes);
  prepare();
  const results = await readBarcodes(
    {
      data: new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length),
      width: image.width,
      height: image.height,
    },
    { formats: ['QRCode'], maxNumberOfSymbols: 1 },
  );
  const found = results.find((r) => r.isValid && r.text !== '');
  if (!found) throw new Error('no QR code found in the image');
  return found.text;
}
