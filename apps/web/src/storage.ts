/**
 * What a device remembers between visits, in localStorage: its token, its
 * language, the conference and the door it was set up for. A door phone is
 * set up once, in the morning, and must not ask again after a reload.
 */

const PREFIX = 'emargement.';

function read(key: string): string | null {
  try {
    return localStorage.getItem(PREFIX + key);
  } catch {
    // Private modes may refuse storage: the app still works, it just forgets.
    return null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(PREFIX + key);
    else localStorage.setItem(PREFIX + key, value);
  } catch {
    /* see read() */
  }
}

/** The app of this page: the first segment of the path (`door`, `admin`, `kiosk`, `charter`, `dashboard`). */
function currentApp(): string {
  return window.location.pathname.split('/').filter(Boolean)[0] ?? 'home';
}

/**
 * This app's own key. The door keeps the single key of earlier versions
 * (`token`): phones paired before keep working, and the offline door's code
 * (which reads `storage.token()`) sees no change.
 */
const ownTokenKey = (): string => (currentApp() === 'door' ? 'token' : `token.${currentApp()}`);

/** Where the token in use is kept: this app's own key, else the organiser's, else the earlier single one. */
function tokenKey(): string | null {
  for (const key of [ownTokenKey(), 'token.admin', 'token']) if (read(key) !== null) return key;
  return null;
}

export const storage = {
  lang: (): 'fr' | 'en' => (read('lang') === 'en' ? 'en' : 'fr'),
  setLang: (lang: 'fr' | 'en') => write('lang', lang),

  /**
   * The token of the app on this page. One browser may hold several devices'
   * tokens (an organiser's laptop opens a screen's pairing link to check it,
   * and must stay an organiser in /admin/), so each app keeps its own
   * (`token.<app>`, the door's is `token`). An app without one falls back to
   * the organiser's (what /admin/ holds: an organiser may open every page),
   * then to the single token of earlier versions (`token`).
   */
  token: (): string | null => {
    const key = tokenKey();
    return key === null ? null : read(key);
  },
  /** Keeps this app's token; `null` forgets the one in use (own, organiser's or earlier), as after a 401. */
  setToken: (token: string | null) => {
    if (token !== null) write(ownTokenKey(), token);
    else {
      const key = tokenKey();
      if (key !== null) write(key, null);
    }
  },

  conferenceId: (): string | null => read('conferenceId'),
  setConferenceId: (id: string | null) => write('conferenceId', id),

  /** The door is per conference: the same phone may serve another event with other doors. */
  door: (conferenceId: string): string | null => read(`door.${conferenceId}`),
  setDoor: (conferenceId: string, door: string | null) => write(`door.${conferenceId}`, door),

  json: <T>(key: string, fallback: T): T => {
    const text = read(key);
    if (text === null) return fallback;
    try {
      return JSON.parse(text) as T;
    } catch {
      return fallback;
    }
  },
  setJson: (key: string, value: unknown) => write(key, JSON.stringify(value)),
  remove: (key: string) => write(key, null),
};

/**
 * An enrolment link (`/door/#conference=…&token=…`, from the organisers'
 * pairing QR code) sets the device up in one tap. The token travels in the
 * fragment, which the browser never sends to the server, so it stays out of
 * access logs and `Referer`. The older query form (`?conference=…&token=…`)
 * is still accepted. Both are then taken out of the address bar, so the token
 * is not left in the history or shown over a shoulder. A kiosk's link may
 * also carry the charter it signs (`charter=`).
 *
 * Returns whether a token was adopted (the device was just enrolled).
 */
export function adoptUrlParameters(): boolean {
  const url = new URL(window.location.href);
  const fragment = new URLSearchParams(url.hash.replace(/^#/, ''));
  const pick = (key: string): string | null => {
    const value = fragment.get(key) ?? url.searchParams.get(key);
    return value !== null && value.trim() !== '' ? value.trim() : null;
  };
  const token = pick('token');
  const conference = pick('conference');
  const charter = fragment.get('charter');
  if (token) storage.setToken(token);
  if (conference) storage.setConferenceId(conference);
  if (conference && charter) storage.setJson(`charter.${conference}`, charter);

  const keys = ['token', 'conference', 'charter'];
  const inFragment = keys.some((k) => fragment.has(k));
  const inQuery = ['token', 'conference'].some((k) => url.searchParams.has(k));
  if (!inFragment && !inQuery) return false;
  for (const key of keys) fragment.delete(key);
  url.searchParams.delete('token');
  url.searchParams.delete('conference');
  const hash = fragment.toString();
  window.history.replaceState(null, '', url.pathname + url.search + (hash ? `#${hash}` : ''));
  return token !== null;
}
