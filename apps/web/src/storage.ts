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

export const storage = {
  lang: (): 'fr' | 'en' => (read('lang') === 'en' ? 'en' : 'fr'),
  setLang: (lang: 'fr' | 'en') => write('lang', lang),

  token: (): string | null => read('token'),
  setToken: (token: string | null) => write('token', token),

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
};

/**
 * A device link (`/door/?conference=…&token=…`) sets the device up in one tap;
 * the token is then taken out of the address bar so it is not left in the
 * history or shown over a shoulder.
 */
export function adoptUrlParameters(): void {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  const conference = url.searchParams.get('conference');
  if (token) storage.setToken(token);
  if (conference) storage.setConferenceId(conference);
  if (token) {
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
}
