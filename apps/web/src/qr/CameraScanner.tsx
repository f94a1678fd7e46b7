import { useEffect, useRef, useState } from 'react';
import { useLang } from '../i18n';
import { decodeQr } from './decoder';

/** Frames are scaled down to this width before decoding: plenty for a ticket held up to a phone, and fast. */
const DECODE_WIDTH = 800;
/** A decoded code is ignored while it stays in view (seen again within this time), so one ticket is one scan. */
const SAME_CODE_QUIET_MS = 2500;

interface Props {
  /** Called once per ticket presented; not called while `paused`. */
  onCode: (code: string) => void;
  paused: boolean;
}

/**
 * The phone's rear camera, decoded with ZXing (zxing-wasm) a few times a
 * second. Decoding runs on a canvas copy of the video, one frame at a time,
 * so a slow phone drops frames rather than queueing them.
 */
export function CameraScanner({ onCode, paused }: Props) {
  const { t } = useLang();
  const video = useRef<HTMLVideoElement>(null);
  const [status, setStatus] = useState<'starting' | 'running' | { error: string }>('starting');
  const onCodeRef = useRef(onCode);
  const pausedRef = useRef(paused);
  onCodeRef.current = onCode;
  pausedRef.current = paused;

  useEffect(() => {
    let stopped = false;
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const last = { code: '', seenAt: 0 };
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d', { willReadFrequently: true });

    const tick = async () => {
      const v = video.current;
      if (stopped || !v || !ctx) return;
      // Frames are decoded while paused too, only to keep track of the ticket still in view: when the
      // door goes back to scanning, the ticket just handled is not scanned a second time.
      if (v.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && v.videoWidth > 0) {
        const scale = Math.min(1, DECODE_WIDTH / v.videoWidth);
        canvas.width = Math.round(v.videoWidth * scale);
        canvas.height = Math.round(v.videoHeight * scale);
        ctx.drawImage(v, 0, 0, canvas.width, canvas.height);
        try {
          const code = await decodeQr(ctx.getImageData(0, 0, canvas.width, canvas.height));
          const now = Date.now();
          if (code !== null && !stopped) {
            const repeat = code === last.code && now - last.seenAt < SAME_CODE_QUIET_MS;
            if (pausedRef.current) {
              // Only the ticket just handled is tracked; the next person's ticket, held up early, still counts.
              if (code === last.code) last.seenAt = now;
            } else {
              last.code = code;
              last.seenAt = now;
              if (!repeat) onCodeRef.current(code);
            }
          }
        } catch (error) {
          setStatus({ error: error instanceof Error ? error.message : String(error) });
        }
      }
      if (!stopped) timer = setTimeout(() => void tick(), 120);
    };

    (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
          audio: false,
        });
        if (stopped) return;
        const v = video.current;
        if (!v) return;
        v.srcObject = stream;
        await v.play();
        setStatus('running');
        void tick();
      } catch (error) {
        if (!stopped) setStatus({ error: error instanceof Error ? error.message : String(error) });
      }
    })().catch(() => undefined);

    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, []);

  return (
    <div className="camera" data-testid="camera">
      <video ref={video} muted playsInline className="camera-video" />
      <div className="camera-frame" aria-hidden="true" />
      <p className="camera-status" role="status">
        {status === 'starting'
          ? t('door.cameraStarting')
          : status === 'running'
            ? t('door.cameraAim')
            : t('door.cameraError', { message: status.error })}
      </p>
    </div>
  );
}
