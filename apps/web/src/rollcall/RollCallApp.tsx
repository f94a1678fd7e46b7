import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { OnSite, RollCall, RollCallStarted } from '@emargement/contract';
import { ApiError, NetworkError, request } from '../api';
import { AuthGate } from '../auth';
import { useLang } from '../i18n';
import { TopBar } from '../shell';
import { storage } from '../storage';
import { rollStore, type Outgoing, type Person, type Roll } from './roll-store';

const REFRESH_MS = 5_000;
const uuid = () => crypto.randomUUID();
const byName = (a: Person, b: Person) =>
  a.lastName.localeCompare(b.lastName, 'fr', { sensitivity: 'base' }) ||
  a.firstName.localeCompare(b.firstName, 'fr', { sensitivity: 'base' });
const conf = (cid: string) => `/api/conferences/${encodeURIComponent(cid)}`;

/**
 * « Appel d'évacuation » (issue 23), for a door phone at the assembly point:
 * everyone on site, by name; a tap ticks a person present; who is missing at
 * a glance. It works with the server down: the list of people on site is
 * kept from the last time the server answered, a roll call can be started
 * there, and every tick waits in the phone's outbox until the server takes
 * it; ticks from several phones merge on the server, each counted once.
 */
export function RollCallApp() {
  const { t } = useLang();
  return (
    <AuthGate title={t('roll.title')} roles={['organiser', 'door']}>
      <RollCallPage />
    </AuthGate>
  );
}

function RollCallPage() {
  const { t } = useLang();
  const cid = storage.conferenceId();
  const [roll, setRollState] = useState<Roll | null>(null);
  /** The roll as last changed, read by ticks made faster than React renders (two taps in a row). */
  const rollRef = useRef<Roll | null>(null);
  const setRoll = useCallback((next: Roll | null) => {
    rollRef.current = next;
    setRollState(next);
  }, []);
  const [onSite, setOnSite] = useState<Person[] | null>(null);
  const [pending, setPending] = useState(0);
  const [online, setOnline] = useState(true);
  const [query, setQuery] = useState('');
  const [missingOnly, setMissingOnly] = useState(false);

  // What the phone holds, first: it is there with or without the server.
  useEffect(() => {
    if (!cid) return;
    void (async () => {
      const [list, latest, outbox] = await Promise.all([
        rollStore.onSite(cid),
        rollStore.latestRoll(cid),
        rollStore.outbox(),
      ]);
      if (list) setOnSite(list.people);
      if (latest) setRoll(latest);
      setPending(outbox.length);
    })();
  }, [cid, setRoll]);

  /** Sends the outbox, oldest first, then takes the server's view of the roll (other phones' ticks). */
  const sync = useCallback(async () => {
    if (!cid) return;
    try {
      const list = await request<OnSite>('GET', `${conf(cid)}/on-site`, undefined, { timeoutMs: 4000 });
      const people = list.people.map(({ registrationId, firstName, lastName, organisation }) => ({
        registrationId,
        firstName,
        lastName,
        organisation,
      }));
      await rollStore.saveOnSite({ conferenceId: cid, people, at: Date.now() });
      setOnSite(people);
      for (const item of await rollStore.outbox()) {
        try {
          if (item.kind === 'start') {
            await request<RollCallStarted>(
              'POST',
              `${conf(item.conferenceId)}/roll-calls`,
              { rollCallId: item.rollCallId, startedAt: item.startedAt },
              { timeoutMs: 4000 },
            );
          } else {
            await request(
              'POST',
              `${conf(item.conferenceId)}/roll-calls/${item.rollCallId}/marks`,
              { markId: item.id, registrationId: item.registrationId, at: item.at },
              { timeoutMs: 4000 },
            );
          }
        } catch (error) {
          // The server said no (a 4xx): kept out of the way, never retried for ever.
          if (!(error instanceof ApiError) || error.status >= 500) throw error;
        }
        await rollStore.sent(item.id);
      }
      setPending((await rollStore.outbox()).length);
      const held = rollRef.current ?? (await rollStore.latestRoll(cid));
      if (held) {
        const server = await request<RollCall>('GET', `${conf(cid)}/roll-calls/${held.rollCallId}`, undefined, {
          timeoutMs: 4000,
        });
        // Ticked here meanwhile (while the answer was on its way) counts too: the newest local roll.
        const current = rollRef.current?.rollCallId === held.rollCallId ? rollRef.current : held;
        const present = { ...current.present };
        for (const p of server.people)
          if (p.present && p.at && !present[p.registrationId]) present[p.registrationId] = p.at;
        const people = current.people.length > 0 ? current.people : server.people;
        const merged: Roll = { ...current, people: people.map(pick), present };
        await rollStore.saveRoll(merged);
        setRoll(merged);
      }
      setOnline(true);
    } catch (error) {
      if (error instanceof NetworkError || (error instanceof ApiError && error.status >= 500)) setOnline(false);
      else throw error;
    }
  }, [cid, setRoll]);

  useEffect(() => {
    void sync();
    const timer = setInterval(() => void sync(), REFRESH_MS);
    const back = () => void sync();
    window.addEventListener('online', back);
    return () => {
      clearInterval(timer);
      window.removeEventListener('online', back);
    };
  }, [sync]);

  const start = async () => {
    if (!cid || onSite === null) return;
    const fresh: Roll = {
      rollCallId: uuid(),
      conferenceId: cid,
      startedAt: new Date().toISOString(),
      people: [...onSite].sort(byName),
      present: {},
    };
    const item: Outgoing = {
      id: uuid(),
      queuedAt: Date.now(),
      kind: 'start',
      conferenceId: cid,
      rollCallId: fresh.rollCallId,
      startedAt: fresh.startedAt,
    };
    await rollStore.saveRoll(fresh);
    await rollStore.queue(item);
    setRoll(fresh);
    setPending((n) => n + 1);
    void sync();
  };

  const tick = async (person: Person) => {
    const roll = rollRef.current;
    if (!roll || roll.present[person.registrationId]) return;
    const at = new Date().toISOString();
    const next: Roll = { ...roll, present: { ...roll.present, [person.registrationId]: at } };
    setRoll(next);
    await rollStore.tick(next, {
      id: uuid(),
      queuedAt: Date.now(),
      kind: 'mark',
      conferenceId: roll.conferenceId,
      rollCallId: roll.rollCallId,
      registrationId: person.registrationId,
      at,
    });
    setPending((n) => n + 1);
    void sync();
  };

  const shown = useMemo(() => {
    if (!roll) return [];
    const q = query.trim().toLocaleLowerCase('fr');
    return roll.people.filter(
      (p) =>
        (!missingOnly || !roll.present[p.registrationId]) &&
        (q === '' || `${p.firstName} ${p.lastName} ${p.organisation}`.toLocaleLowerCase('fr').includes(q)),
    );
  }, [roll, query, missingOnly]);

  if (!cid) {
    return (
      <>
        <TopBar title={t('roll.title')} />
        <main className="page">
          <p>{t('roll.noConference')}</p>
        </main>
      </>
    );
  }
  const presentCount = roll ? roll.people.filter((p) => roll.present[p.registrationId]).length : 0;
  const missingCount = roll ? roll.people.length - presentCount : 0;
  return (
    <>
      <TopBar title={t('roll.title')} />
      <main className="page stack roll-call">
        <p className={online ? 'banner' : 'banner banner-warning'} role="status" data-testid="roll-status">
          {online ? t('roll.online') : t('roll.offline')}
          {pending > 0 ? ` · ${t('roll.pending', { count: pending })}` : ''}
        </p>
        {roll ? (
          <>
            <div className="roll-counts" aria-live="polite">
              <p className="roll-count roll-present" data-testid="roll-present">
                <strong>{presentCount}</strong> {t('roll.present')}
              </p>
              <p className="roll-count roll-missing" data-testid="roll-missing">
                <strong>{missingCount}</strong> {t('roll.missing')}
              </p>
            </div>
            <label className="field">
              <span>{t('roll.search')}</span>
              <input className="input-large" value={query} onChange={(e) => setQuery(e.target.value)} />
            </label>
            <label className="row">
              <input type="checkbox" checked={missingOnly} onChange={(e) => setMissingOnly(e.target.checked)} />
              <span>{t('roll.missingOnly')}</span>
            </label>
            <ul className="roll-list">
              {shown.map((p) => {
                const here = Boolean(roll.present[p.registrationId]);
                return (
                  <li key={p.registrationId}>
                    <button
                      type="button"
                      className={here ? 'roll-person roll-here' : 'roll-person'}
                      aria-pressed={here}
                      onClick={() => void tick(p)}
                    >
                      <span className="roll-name">
                        {p.lastName.toLocaleUpperCase('fr')} {p.firstName}
                      </span>
                      <span className="roll-org">{p.organisation}</span>
                      <span className="roll-mark">{here ? t('roll.isPresent') : t('roll.tick')}</span>
                    </button>
                  </li>
                );
              })}
            </ul>
          </>
        ) : (
          <section className="panel stack">
            <p>{onSite === null ? t('roll.noList') : t('roll.ready', { count: onSite.length })}</p>
            <button
              type="button"
              className="btn btn-primary btn-large"
              disabled={onSite === null}
              onClick={() => void start()}
            >
              {t('roll.start')}
            </button>
          </section>
        )}
      </main>
    </>
  );
}

const pick = (p: Person): Person => ({
  registrationId: p.registrationId,
  firstName: p.firstName,
  lastName: p.lastName,
  organisation: p.organisation,
});
