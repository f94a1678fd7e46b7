/**
 * A device's scope: the one conference it was enrolled for, or every
 * conference (`null`). Scope is a property of the device, checked on every
 * route and every list, not only on routes that name a conference in their
 * URL: a bound organiser device that could enrol an unbound device, revoke
 * another conference's door or list every conference would hold, through
 * them, every conference.
 */
export interface Scope {
  readonly conferenceId: string | null;
}

/** Whether a device of this scope may see or act on something of `conferenceId` (`null`: of no one conference). */
export const withinScope = (scope: Scope, conferenceId: string | null): boolean =>
  scope.conferenceId === null || scope.conferenceId === conferenceId;

/**
 * The conference a device enrolled by `by` is bound to: what was asked, or,
 * when nothing was asked, the enrolling device's own (a bound device never
 * mints a token wider than its own). `out_of_scope` when it asks for another
 * conference.
 */
export const enrolmentScope = (
  by: Scope,
  requested: string | null,
): { ok: true; conferenceId: string | null } | { ok: false; reason: 'out_of_scope' } => {
  const conferenceId = requested ?? by.conferenceId;
  return withinScope(by, conferenceId) ? { ok: true, conferenceId } : { ok: false, reason: 'out_of_scope' };
};
