/**
 * The generic decider kernel, used by every context: what a decider answers
 * (`Decision`: accepted with events and an outcome, or refused with a stable
 * code), its shape (`decide`, `evolve`, `initialState`, `fold`) and the
 * helpers around it. No context, no I/O, nothing but plain TypeScript: the
 * door app bundles it with the arrival decider for the browser.
 *
 * The given/when/then helper for the deciders' specs is
 * `@emargement/decider/specification.js` (test code: it imports jest).
 */
export * from './decision.js';
