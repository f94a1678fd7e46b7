/** A programme's moment: `HH:MM` in the conference's time zone, and its title (ConferenceDetails.programme). */
export interface ProgrammeItem {
  at: string;
  title: string;
}

/** What is on now and what comes next, by the conference's wall clock (`HH:MM`, zero-padded, so text order is time order). */
export function programmeNow(
  programme: readonly ProgrammeItem[],
  clock: string,
): { current: ProgrammeItem | null; next: ProgrammeItem | null } {
  const sorted = [...programme].sort((a, b) => a.at.localeCompare(b.at));
  let current: ProgrammeItem | null = null;
  for (const item of sorted) if (item.at <= clock) current = item;
  const next = sorted.find((item) => item.at > clock) ?? null;
  return { current, next };
}

/** `HH:MM` of an instant in a time zone (the programme's clock); null when the zone is unknown. */
export function wallClock(at: Date, timeZone: string): string | null {
  try {
    const parts = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone })
      .formatToParts(at)
      .reduce<Record<string, string>>((acc, p) => ({ ...acc, [p.type]: p.value }), {});
    return `${parts.hour ?? '00'}:${parts.minute ?? '00'}`;
  } catch {
    return null;
  }
}
