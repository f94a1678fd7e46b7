/**
 * Beeps made with WebAudio oscillators, so no sound file ships. Each outcome
 * has its own shape, told apart without looking at the screen: two rising
 * notes for admitted, a low double buzz for refused, one short mid note for a
 * scan kept offline.
 */

type Note = { frequency: number; duration: number; type: OscillatorType; gap?: number };

const TUNES = {
  admitted: [
    { frequency: 880, duration: 0.12, type: 'sine' },
    { frequency: 1320, duration: 0.18, type: 'sine' },
  ],
  refused: [
    { frequency: 220, duration: 0.25, type: 'square', gap: 0.08 },
    { frequency: 220, duration: 0.35, type: 'square' },
  ],
  queued: [{ frequency: 660, duration: 0.15, type: 'triangle' }],
} satisfies Record<string, Note[]>;

export type Tune = keyof typeof TUNES;

let context: AudioContext | null = null;

/** Browsers start audio only after a gesture: call this from a click (the door choice, the camera button). */
export function unlockAudio(): void {
  try {
    context ??= new AudioContext();
    if (context.state === 'suspended') void context.resume();
  } catch {
    context = null;
  }
}

export function play(tune: Tune): void {
  try {
    context ??= new AudioContext();
    const ctx = context;
    let at = ctx.currentTime + 0.01;
    for (const note of TUNES[tune] as Note[]) {
      const oscillator = ctx.createOscillator();
      const gain = ctx.createGain();
      oscillator.type = note.type;
      oscillator.frequency.value = note.frequency;
      // A short ramp avoids the click of a square wave starting at full volume.
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.4, at + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + note.duration);
      oscillator.connect(gain).connect(ctx.destination);
      oscillator.start(at);
      oscillator.stop(at + note.duration + 0.02);
      at += note.duration + (note.gap ?? 0.03);
    }
  } catch {
    // No audio device: the screen still says it all.
  }
}
