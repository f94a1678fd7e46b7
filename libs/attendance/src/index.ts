/**
 * Live attendance: the pure fold behind the organisers' dashboard (no
 * @nestjs, no I/O). `evolve` folds the registry's, the doors' and the
 * charters' events into per-conference figures; `snapshotOf` turns a
 * conference's figures into the API's snapshot; `foldAsOf` gives the same
 * figures as of a past moment.
 *
 * `ATTENDANCE_FOLD_VERSION` is stored with a projection's checkpoint: change
 * it with any change to what `evolve` computes, and every server rebuilds its
 * read model from the start at its next start, instead of mixing figures
 * counted two ways.
 */
// 3: a corrected category or organisation moves the person between groups (RegistrationCorrected).
export const ATTENDANCE_FOLD_VERSION = 3;

export * from './events.js';
export * from './time.js';
export * from './attendance.js';
export * from './snapshot.js';
export * from './as-of.js';
