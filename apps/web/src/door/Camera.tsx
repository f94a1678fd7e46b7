import { useLang } from '../i18n';
import { CameraScanner } from '../qr/CameraScanner';
import { unlockAudio } from '../sound';

/** The phone's camera as a scanner, kept mounted (hidden) while a result shows so it need not start again. */
export function CameraView(props: { on: boolean; scanning: boolean; onCode: (code: string) => void }) {
  if (!props.on) return null;
  return (
    <div hidden={!props.scanning}>
      <CameraScanner paused={!props.scanning} onCode={props.onCode} />
    </div>
  );
}

/** Turns the camera on or off; the tap also unlocks the result sounds (browsers want a gesture first). */
export function CameraToggle(props: { on: boolean; onToggle: (on: boolean) => void }) {
  const { t } = useLang();
  return (
    <button
      type="button"
      className={`btn btn-large ${props.on ? '' : 'btn-primary'}`}
      onClick={() => {
        unlockAudio();
        props.onToggle(!props.on);
      }}
    >
      {props.on ? t('door.cameraStop') : t('door.camera')}
    </button>
  );
}
