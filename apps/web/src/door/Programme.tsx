import { useEffect, useState } from 'react';
import { useLang } from '../i18n';
import { programmeNow, wallClock, type ProgrammeItem } from './programme';

/**
 * The programme's current and next item, by the conference's clock: one
 * small line under the door's status, so a volunteer can answer « la table
 * ronde, c'est quand ? » without it ever covering a scan's result. Nothing at
 * all without a programme.
 */
export function ProgrammeLine({
  programme,
  timezone,
}: {
  programme: readonly ProgrammeItem[] | undefined;
  timezone: string;
}) {
  const { t } = useLang();
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    // The minute is all the line shows: a check every 20 s is late by 20 s at most.
    const timer = setInterval(() => setNow(new Date()), 20_000);
    return () => clearInterval(timer);
  }, []);
  if (!programme || programme.length === 0) return null;
  const clock = wallClock(now, timezone);
  if (clock === null) return null;
  const { current, next } = programmeNow(programme, clock);
  const parts = [
    current ? t('door.programmeNow', { time: current.at, title: current.title }) : null,
    next ? t('door.programmeNext', { time: next.at, title: next.title }) : null,
  ].filter((p): p is string => p !== null);
  if (parts.length === 0) return null;
  return (
    <p className="door-programme" data-testid="door-programme" aria-label={t('door.programme')}>
      {parts.join(' · ')}
    </p>
  );
}
