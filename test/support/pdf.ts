// Reading the PDFs the server makes (charter document, tickets), for tests.
import { inflateSync } from 'node:zlib';
import { PDFParse } from 'pdf-parse';

/** The text of a PDF, whitespace folded: lines wrap where the page ends, so tests compare words, not line breaks. */
export async function pdfText(bytes: Buffer): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    return (await parser.getText()).text.replace(/\s+/g, ' ');
  } finally {
    await parser.destroy();
  }
}

/**
 * The files attached to a PDF, read from its bytes (pdfkit writes each as an
 * `/EmbeddedFile` stream object, deflated): independent of any PDF library.
 */
export function attachments(pdf: Buffer): { names: string[]; contents: string[] } {
  const text = pdf.toString('latin1');
  const names = [...text.matchAll(/\/F \((.*?)\)/g)].map((m) => m[1]!);
  const contents: string[] = [];
  let at = text.indexOf('/Type /EmbeddedFile');
  while (at >= 0) {
    const dictStart = text.lastIndexOf('obj', at);
    const streamStart = text.indexOf('stream', at);
    const dict = text.slice(dictStart, streamStart);
    const length = Number(/\/Length (\d+)/.exec(dict)?.[1]);
    const begin = streamStart + 'stream'.length + (text[streamStart + 6] === '\r' ? 2 : 1);
    const raw = pdf.subarray(begin, begin + length);
    contents.push((dict.includes('/FlateDecode') ? inflateSync(raw) : raw).toString('utf8'));
    at = text.indexOf('/Type /EmbeddedFile', streamStart);
  }
  return { names, contents };
}
