import { StrictMode, Suspense, lazy } from 'react';
import { createRoot } from 'react-dom/client';
import { AdminApp } from './admin/AdminApp';
import { CharterApp } from './charter/CharterApp';
import { DashboardApp } from './dashboard/DashboardApp';
import { DoorApp } from './door/DoorApp';
import { LangProvider, useLang } from './i18n';
import { KioskApp } from './kiosk/KioskApp';
import { RollCallApp } from './rollcall/RollCallApp';
import { TopBar } from './shell';
import { adoptUrlParameters } from './storage';
import './styles.css';

// The verifier carries node-forge (certificates, CMS): loaded only on /verify/.
const VerifyApp = lazy(() => import('./verify/VerifyApp').then((m) => ({ default: m.VerifyApp })));

/**
 * One bundle, routed on the path: `/door/` for the door phones, `/admin/` for
 * the organisers, `/kiosk/` for the charter's signing tablet, `/charter/` for
 * the organisers' charter page,
 * `/dashboard/` for the live attendance figures, `/verify/` to check a sealed charter (public, no token). The server answers index.html for any path outside /api, so
 * each route is a plain link that survives a reload.
 */
function Home() {
  const { t } = useLang();
  return (
    <>
      <TopBar title={t('app.title')} />
      <main className="page stack">
        <a className="tile" href="/door/">
          <strong>{t('home.door')}</strong>
          <span>{t('home.doorHint')}</span>
        </a>
        <a className="tile" href="/admin/">
          <strong>{t('home.admin')}</strong>
          <span>{t('home.adminHint')}</span>
        </a>
        <a className="tile" href="/charter/">
          <strong>{t('home.charter')}</strong>
          <span>{t('home.charterHint')}</span>
        </a>
        <a className="tile" href="/dashboard/">
          <strong>{t('home.dashboard')}</strong>
          <span>{t('home.dashboardHint')}</span>
        </a>
        <a className="tile" href="/verify/">
          <strong>{t('home.verify')}</strong>
          <span>{t('home.verifyHint')}</span>
        </a>
      </main>
    </>
  );
}

function App() {
  const path = window.location.pathname;
  if (path === '/roll-call' || path.startsWith('/roll-call/')) return <RollCallApp />;
  if (path === '/door' || path.startsWith('/door/')) return <DoorApp />;
  if (path === '/admin' || path.startsWith('/admin/')) return <AdminApp />;
  if (path === '/kiosk' || path.startsWith('/kiosk/')) return <KioskApp />;
  if (path === '/charter' || path.startsWith('/charter/')) return <CharterApp />;
  if (path === '/dashboard' || path.startsWith('/dashboard/')) return <DashboardApp />;
  if (path === '/verify' || path.startsWith('/verify/'))
    return (
      <Suspense fallback={null}>
        <VerifyApp />
      </Suspense>
    );
  return <Home />;
}

adoptUrlParameters();
const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(
  <StrictMode>
    <LangProvider>
      <App />
    </LangProvider>
  </StrictMode>,
);
