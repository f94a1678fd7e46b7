import { useEffect, useState } from 'react';
import { api, type Conference, type ConferenceSummary, type Registration } from '../api';
import { AppLinks } from '../app-links';
import { AuthGate } from '../auth';
import { BackupNotice } from './BackupNotice';
import { useLang } from '../i18n';
import { ErrorMessage, TopBar } from '../shell';
import { storage } from '../storage';
import { SpacesAdmin } from './SpacesAdmin';
import { BadgesAdmin } from './BadgesAdmin';
import { ConferenceForm } from './ConferenceForm';
import { WalkInPolicyPanel } from './WalkInPolicy';
import { Conflicts, useOpenConflicts } from './Conflicts';
import { Devices } from './Devices';
import { ImportCsv } from './ImportCsv';
import { PersonPage } from './PersonPage';
import { Registrations } from './Registrations';

type Tab = 'registrations' | 'import' | 'conference' | 'devices' | 'conflicts';
const TABS: Tab[] = ['registrations', 'import', 'conference', 'devices', 'conflicts'];

/** The organisers' page, behind the device gate (an organiser's token: ADMIN_TOKEN or a paired organiser device). */
export function AdminApp() {
  const { t } = useLang();
  return (
    <AuthGate title={t('admin.title')} roles={['organiser']}>
      <AdminPage />
    </AuthGate>
  );
}

/** Pick or create the conference, then its registrations, import, details and devices. */
function AdminPage() {
  const { t } = useLang();
  const [conferenceId, setConferenceId] = useState(storage.conferenceId);
  const [conference, setConference] = useState<Conference | null>(null);
  const [conferences, setConferences] = useState<readonly ConferenceSummary[] | null>(null);
  const [creating, setCreating] = useState(false);
  const [tab, setTab] = useState<Tab>('registrations');
  const [error, setError] = useState<unknown>(null);
  const [refresh, setRefresh] = useState(0);
  const [openConflicts, setOpenConflicts] = useOpenConflicts(conference?.conferenceId ?? null);
  const [person, setPerson] = useState<{ id: string; initial: Registration | null } | null>(() => {
    const id = personInUrl();
    return id ? { id, initial: null } : null;
  });

  // A person's page has its own address (`/admin/?registration=<id>`): it can be reloaded, shared, and left with Back.
  useEffect(() => {
    const sync = () => {
      const id = personInUrl();
      setPerson((p) => (id === null ? null : p?.id === id ? p : { id, initial: null }));
    };
    window.addEventListener('popstate', sync);
    return () => window.removeEventListener('popstate', sync);
  }, []);

  const openPerson = (registration: Registration | null, id?: string) => {
    const url = new URL(window.location.href);
    if (registration || id) url.searchParams.set('registration', registration?.registrationId ?? id!);
    else url.searchParams.delete('registration');
    window.history.pushState(null, '', url.pathname + url.search + url.hash);
    setPerson(registration || id ? { id: registration?.registrationId ?? id!, initial: registration } : null);
  };

  useEffect(() => {
    let live = true;
    api.listConferences().then(
      (list) => live && setConferences(list),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [refresh]);

  useEffect(() => {
    if (!conferenceId) {
      setConference(null);
      return undefined;
    }
    let live = true;
    api.conference(conferenceId).then(
      (c) => {
        if (!live) return;
        setError(null);
        setConference(c);
      },
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [conferenceId, refresh]);

  const choose = (id: string | null) => {
    storage.setConferenceId(id);
    if (person) openPerson(null);
    setConference(null);
    setCreating(false);
    setConferenceId(id);
  };

  return (
    <>
      <TopBar title={t('admin.title')} detail={conference ? conference.name : undefined} />
      <main className="page stack admin">
        {/* In the page, not the sticky bar: on a phone the bar must stay short. */}
        <AppLinks conferenceId={conference?.conferenceId ?? null} current="admin" />
        <ErrorMessage error={error} />
        <BackupNotice />
        <div className="row conference-picker">
          <label className="field grow">
            <span>{t('admin.conference')}</span>
            <select
              className="input-large"
              value={creating ? '' : (conferenceId ?? '')}
              onChange={(e) => choose(e.target.value || null)}
            >
              <option value="">—</option>
              {conferences?.map((c) => (
                <option key={c.conferenceId} value={c.conferenceId}>
                  {c.name || c.conferenceId}
                </option>
              ))}
              {conferenceId && conferences && !conferences.some((c) => c.conferenceId === conferenceId) ? (
                <option value={conferenceId}>{conference?.name ?? conferenceId}</option>
              ) : null}
            </select>
          </label>
          <button type="button" className="btn" onClick={() => setCreating(true)}>
            {t('admin.newConference')}
          </button>
        </div>

        {creating || (!conferenceId && conferences?.length === 0) ? (
          <ConferenceForm
            key="new"
            conference={null}
            onSaved={(id) => {
              choose(id);
              setTab('import');
              setRefresh((n) => n + 1);
            }}
          />
        ) : null}

        {!creating && conference ? (
          <>
            <nav className="tabs" aria-label={t('admin.title')}>
              {TABS.map((name) => (
                <button
                  key={name}
                  type="button"
                  className="tab"
                  aria-current={tab === name ? 'page' : undefined}
                  onClick={() => {
                    if (person) openPerson(null);
                    setTab(name);
                  }}
                >
                  {t(
                    name === 'registrations'
                      ? 'admin.registrations'
                      : name === 'import'
                        ? 'admin.importShort'
                        : name === 'conference'
                          ? 'admin.conference'
                          : name === 'conflicts'
                            ? 'admin.conflicts'
                            : 'admin.devices',
                  )}
                  {name === 'conflicts' && openConflicts ? (
                    <>
                      {' '}
                      <span className="tab-count" data-testid="conflicts-count">
                        {openConflicts}
                      </span>
                    </>
                  ) : null}
                </button>
              ))}
            </nav>
            {tab === 'registrations' && person ? (
              <PersonPage
                key={person.id}
                conferenceId={conference.conferenceId}
                conference={conference}
                registrationId={person.id}
                timezone={conference.timezone}
                initial={person.initial}
                onBack={() => openPerson(null)}
              />
            ) : null}
            {tab === 'registrations' && !person ? (
              <Registrations
                conferenceId={conference.conferenceId}
                timezone={conference.timezone}
                refresh={refresh}
                onOpen={(r) => openPerson(r)}
              />
            ) : null}
            {tab === 'import' ? (
              <ImportCsv conferenceId={conference.conferenceId} onImported={() => setRefresh((n) => n + 1)} />
            ) : null}
            {tab === 'conference' ? (
              <>
                <ConferenceForm
                  key={conference.conferenceId}
                  conference={conference}
                  onSaved={() => setRefresh((n) => n + 1)}
                />
                <WalkInPolicyPanel
                  key={`walk-ins-${conference.conferenceId}`}
                  conference={conference}
                  onSaved={() => setRefresh((n) => n + 1)}
                />
                <SpacesAdmin conferenceId={conference.conferenceId} />
                <BadgesAdmin conferenceId={conference.conferenceId} doors={conference.doors} />
              </>
            ) : null}
            {tab === 'conflicts' ? (
              <Conflicts
                conferenceId={conference.conferenceId}
                timezone={conference.timezone}
                onOpenCount={setOpenConflicts}
              />
            ) : null}
            {tab === 'devices' ? (
              <Devices conferenceId={conference.conferenceId} conferences={conferences ?? []} />
            ) : null}
          </>
        ) : null}
      </main>
    </>
  );
}

const personInUrl = (): string | null => new URL(window.location.href).searchParams.get('registration');
