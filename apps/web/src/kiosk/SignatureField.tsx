import { useEffect, useImperativeHandle, useRef, useState, type Ref } from 'react';
import SignaturePad, { type PointGroup } from 'signature_pad';
import type { StrokePoint } from '../api';

/** The server refuses a PNG over 256 KiB (decoded). */
const MAX_IMAGE_BYTES = 256 * 1024;

export interface SignatureCapture {
  /** signature_pad's point groups, `toData().map(g => g.points)`, in CSS pixels of the canvas as it is now. */
  strokes: StrokePoint[][];
  /** The drawing as a PNG data URL, at most 256 KiB. */
  image: string;
  canvas: { width: number; height: number; devicePixelRatio: number };
}

export interface SignatureFieldHandle {
  capture(): SignatureCapture;
  clear(): void;
}

/** A signature needs a line: one stroke of two points at least (a tap is a dot, refused `empty_signature`). */
export const hasALine = (strokes: StrokePoint[][]): boolean => strokes.some((stroke) => stroke.length >= 2);

/** Exactly the four fields the server keeps (it refuses any other); a pressure out of 0–1 is left out. */
const toStrokePoint = (p: { x: number; y: number; time: number; pressure?: number }): StrokePoint =>
  typeof p.pressure === 'number' && Number.isFinite(p.pressure) && p.pressure >= 0 && p.pressure <= 1
    ? { x: p.x, y: p.y, time: p.time, pressure: p.pressure }
    : { x: p.x, y: p.y, time: p.time };

const decodedBytes = (dataUrl: string): number => {
  const base64 = dataUrl.slice(dataUrl.indexOf(',') + 1);
  return Math.floor((base64.length * 3) / 4);
};

/**
 * The signing pad: `signature_pad` on a canvas whose backing store is scaled
 * by the device's pixel ratio, so the line is sharp on a retina tablet while
 * every point stays in CSS pixels.
 *
 * Any change to a canvas's size wipes it, and mobile browsers fire resize
 * events while scrolling (the address bar comes and goes). So the canvas is
 * set up again only when its width (or the pixel ratio) really changes, as on
 * a rotation; its height follows its width (a fixed aspect ratio in CSS), so
 * the drawing is then redrawn from `toData()` scaled by the same factor both
 * ways: never wiped, never stretched. A change that comes while a finger is
 * still down waits for the end of that stroke.
 */
export function SignatureField({
  ref,
  label,
  placeholder,
  disabled,
  onChange,
}: {
  ref?: Ref<SignatureFieldHandle>;
  label: string;
  placeholder: string;
  disabled?: boolean;
  /** Called after every stroke and every clear, with whether the pad holds a line. */
  onChange: (hasLine: boolean) => void;
}) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const padRef = useRef<SignaturePad | null>(null);
  const size = useRef({ width: 0, height: 0, ratio: 1 });
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const [empty, setEmpty] = useState(true);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return undefined;
    const pad = new SignaturePad(canvas, {
      penColor: '#0b1220',
      minWidth: 1,
      maxWidth: 3,
      // Transparent: the PNG then holds the ink only, small and clean on the PDF's page.
      backgroundColor: 'rgba(0, 0, 0, 0)',
    });
    padRef.current = pad;
    let drawing = false;
    let pending = false;

    const report = () => {
      const strokes = pad.toData().map((g) => g.points);
      setEmpty(strokes.length === 0);
      onChangeRef.current(hasALine(strokes));
    };

    const fit = () => {
      if (drawing) {
        pending = true;
        return;
      }
      const rect = canvas.getBoundingClientRect();
      const ratio = Math.max(window.devicePixelRatio || 1, 1);
      const previous = size.current;
      if (rect.width < 1 || rect.height < 1) return;
      // A height-only change (or none) keeps the canvas, and the signature, as they are.
      if (Math.abs(rect.width - previous.width) < 0.5 && ratio === previous.ratio) return;
      const data = pad.toData();
      const scale =
        previous.width > 0 && previous.height > 0
          ? Math.min(rect.width / previous.width, rect.height / previous.height)
          : 1;
      canvas.width = Math.round(rect.width * ratio);
      canvas.height = Math.round(rect.height * ratio);
      canvas.getContext('2d')?.scale(ratio, ratio);
      size.current = { width: rect.width, height: rect.height, ratio };
      const redrawn: PointGroup[] =
        scale === 1
          ? data
          : data.map((group) => ({
              ...group,
              points: group.points.map((p) => ({ ...p, x: p.x * scale, y: p.y * scale })),
            }));
      // fromData clears the (now blank) canvas and draws every stroke again.
      pad.fromData(redrawn);
    };

    const begin = () => {
      drawing = true;
    };
    const end = () => {
      drawing = false;
      if (pending) {
        pending = false;
        fit();
      }
      report();
    };
    pad.addEventListener('beginStroke', begin);
    pad.addEventListener('endStroke', end);

    const observer = typeof ResizeObserver === 'function' ? new ResizeObserver(() => fit()) : null;
    observer?.observe(canvas);
    // The pixel ratio changes without a resize of the element (zoom, another screen).
    window.addEventListener('resize', fit);
    fit();
    report();
    return () => {
      observer?.disconnect();
      window.removeEventListener('resize', fit);
      pad.removeEventListener('beginStroke', begin);
      pad.removeEventListener('endStroke', end);
      pad.off();
      padRef.current = null;
      size.current = { width: 0, height: 0, ratio: 1 };
    };
  }, []);

  useEffect(() => {
    const pad = padRef.current;
    if (!pad) return;
    if (disabled) pad.off();
    else pad.on();
  }, [disabled]);

  useImperativeHandle(
    ref,
    () => ({
      capture(): SignatureCapture {
        const pad = padRef.current;
        const canvas = canvasRef.current;
        if (!pad || !canvas) throw new Error('The signature pad is not ready');
        const { width, height, ratio } = size.current;
        let image = pad.toDataURL('image/png');
        if (decodedBytes(image) > MAX_IMAGE_BYTES) {
          // A dense drawing on a high-ratio screen: the same drawing at one pixel per CSS pixel.
          const small = document.createElement('canvas');
          small.width = Math.round(width);
          small.height = Math.round(height);
          small.getContext('2d')?.drawImage(canvas, 0, 0, small.width, small.height);
          image = small.toDataURL('image/png');
        }
        return {
          strokes: pad.toData().map((g) => g.points.map(toStrokePoint)),
          image,
          canvas: {
            width: Math.round(width * 100) / 100,
            height: Math.round(height * 100) / 100,
            devicePixelRatio: ratio,
          },
        };
      },
      clear() {
        padRef.current?.clear();
        setEmpty(true);
        onChangeRef.current(false);
      },
    }),
    [],
  );

  return (
    <div className={`signature-field${disabled ? ' signature-field-disabled' : ''}`}>
      <canvas ref={canvasRef} className="signature-canvas" aria-label={label} data-testid="signature-pad" />
      {empty ? (
        <span className="signature-placeholder" aria-hidden="true">
          {placeholder}
        </span>
      ) : null}
      <span className="signature-baseline" aria-hidden="true" />
    </div>
  );
}
