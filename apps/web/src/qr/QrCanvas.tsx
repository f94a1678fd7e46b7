import QRCode from 'qrcode';
import { useEffect, useRef } from 'react';

/**
 * A QR code drawn in the browser (a link or a token goes to no QR service). The canvas carries
 * `data-drawn` once its pixels hold `text`, so whoever reads it back (a test, a screenshot) waits for
 * the drawing rather than for the element, which exists a moment before.
 */
export function QrCanvas(props: {
  text: string;
  width: number;
  margin: number;
  className: string;
  label: string;
  testId?: string;
  onError?: (e: unknown) => void;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { text, width, margin, onError } = props;
  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    c.removeAttribute('data-drawn');
    let live = true;
    QRCode.toCanvas(c, text, { errorCorrectionLevel: 'M', margin, width })
      .then(() => {
        if (live) c.setAttribute('data-drawn', '');
      })
      .catch((e: unknown) => onError?.(e));
    return () => {
      live = false;
    };
  }, [text, width, margin, onError]);
  return (
    <canvas ref={canvas} className={props.className} data-testid={props.testId} role="img" aria-label={props.label} />
  );
}
