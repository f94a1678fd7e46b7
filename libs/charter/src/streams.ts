/**
 * `charter-<charterId>`: one charter, from its publication to its closing,
 * with every signature and every voiding in between. The chain of signatures
 * is a rule over the whole list (each entry's `previousHash` is the last
 * entry's `hash`; one person and one organisation sign once), so the list is
 * one aggregate, appended with the revision it was decided on: two tablets
 * signing at the same moment cannot both take sequence 7.
 */
export const CHARTER_CATEGORY = 'charter';

export const charterStream = (charterId: string): string => {
  if (charterId.length === 0) throw new Error('An empty id cannot name a charter stream');
  return `${CHARTER_CATEGORY}-${charterId}`;
};
