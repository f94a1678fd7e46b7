import { Fragment, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, onAuthFailure, type Principal, type Role } from './api';
import { DeviceContext } from './device';
import { useLang } from './i18n';
import { TokenForm, TopBar } from './shell';
import { storage } from './storage';

/**
 * The one gate every app sits behind (door, kiosk, dashboard, charter page,
 * organisers' page).
 *
 * - On load it asks `GET /api/me` which device this is; the answer is shown in
 *   the top bar (« Appareil : Porte A (accueil) ») and, when the device is
 *   bound to a conference, that conference becomes the device's.
 * - Any answer 401, from any call or from the live feed, means the token is
 *   unknown or revoked: the token is forgotten and the app is replaced by the
 *   not-authorised screen, which asks for the pairing QR code (and offers a
 *   token field, for an organiser pasting ADMIN_TOKEN).
 * - A 403 is left to the screen that made the call: it says « Ce rôle ne
 *   permet pas cette action » where the action was.
 * - No network at load is not a reason to stop a door phone: the app starts
 *   with what the device remembers, and the offline scan queue does the rest.
 */

/** How long the first `GET /api/me` may keep the app waiting before it starts anyway (a slow hall network). */
const ME_PATIENCE_MS = 4_000;

type Phase = 'checking' | 'ready' | 'unauthorized';

export function AuthGate({ title, roles, children }: { title: string; roles: readonly Role[]; children: ReactNode }) {
  const { t } = useLang();
  const [phase, setPhase] = useState<Phase>('checking');
  const [device, setDevice] = useState<Principal | null>(null);
  /** Bumped when a new token is given: the app below is mounted afresh, with it. */
  const [generation, setGeneration] = useState(0);

  useEffect(
    () =>
      onAuthFailure((failure) => {
        if (failure !== 'unauthorized') return;
        setDevice(null);
        setPhase('unauthorized');
      }),
    [],
  );

  useEffect(() => {
    let live = true;
    setPhase('checking');
    const patience = setTimeout(() => live && setPhase((p) => (p === 'checking' ? 'ready' : p)), ME_PATIENCE_MS);
    const hadToken = storage.token() !== null;
    api.me().then(
      (me) => {
        if (!live) return;
        clearTimeout(patience);
        if (me.conferenceId && storage.conferenceId() !== me.conferenceId) storage.setConferenceId(me.conferenceId);
        setDevice(me);
        setPhase((p) => (p === 'unauthorized' ? p : 'ready'));
      },
      (error: unknown) => {
        if (!live) return;
        clearTimeout(patience);
        if (error instanceof ApiError && error.status === 401) setPhase('unauthorized');
        // A server without devices (no /api/me) is used as it is; no network starts with what is remembered,
        // unless there is nothing to start with.
        else if (!hadToken && !(error instanceof ApiError && error.status === 404)) setPhase('unauthorized');
        else setPhase((p) => (p === 'unauthorized' ? p : 'ready'));
      },
    );
    return () => {
      live = false;
      clearTimeout(patience);
    };
  }, [generation]);

  if (phase === 'checking') {
    return (
      <>
        <TopBar title={title} />
        <main className="page">
          <p>{t('common.loading')}</p>
        </main>
      </>
    );
  }
  if (phase === 'unauthorized') {
    return (
      <>
        <TopBar title={title} />
        <main className="page stack">
          <NotAuthorised />
          <TokenForm onDone={() => setGeneration((n) => n + 1)} />
        </main>
      </>
    );
  }
  return (
    <DeviceContext.Provider value={{ device, roles }}>
      <Fragment key={generation}>{children}</Fragment>
    </DeviceContext.Provider>
  );
}

export function NotAuthorised() {
  const { t } = useLang();
  return (
    <section className="panel stack not-authorised" role="alert" data-testid="not-authorised">
      <h2>{t('auth.notAuthorisedTitle')}</h2>
      <p>{t('auth.notAuthorised')}</p>
    </section>
  );
}
