/** `movements-<conferenceId>`: the conference's spaces, every movement, the check-outs and the roll calls. */
export const MOVEMENTS_CATEGORY = 'movements';
export const movementsStream = (conferenceId: string): string => {
  if (conferenceId.length === 0) throw new Error('An empty id cannot name a movements stream');
  return `${MOVEMENTS_CATEGORY}-${conferenceId}`;
};
