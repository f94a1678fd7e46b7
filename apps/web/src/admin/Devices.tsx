import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import {
  api,
  deskApi,
  type CharterListItem,
  type ConferenceSummary,
  type Device,
  type NewDevice,
  type Role,
} from '../api';
import { useDevice } from '../device';
import { formatDateTime, formatRelative } from '../format';
import { useLang } from '../i18n';
import { ErrorMessage } from '../shell';
import { storage } from '../storage';
import { QrCanvas } from '../qr/QrCanvas';
import { CertificateInstall, useLocalCa } from './CertificateInstall';

/** The list is read again this often, so that « Dernière activité » stays true while the page is open. */
const REFRESH_MS = 10_000;

/** The page a device of each role opens. */
const APP_OF: Record<Role, string> = { door: 'door', kiosk: 'kiosk', display: 'dashboard', organiser: 'admin' };

/**
 * The enrolment link the QR code carries: `/<app>/#conference=<cid>&token=<token>`.
 * The token is in the fragment, which the browser never sends: it stays out of
 * the server's logs and of `Referer`. A kiosk may be told its charter too.
 */
export function enrolmentLink(
  role: Role,
  token: string,
  conferenceId: string | null,
  charterId?: string,
  base: string = window.location.origin,
): string {
  const params = new URLSearchParams();
  if (conferenceId) params.set('conference', conferenceId);
  params.set('token', token);
  if (role === 'kiosk' && charterId) params.set('charter', charterId);
  return `${base.replace(/\/+$/, '')}/${APP_OF[role]}/#${params.toString()}`;
}

/** An address only this machine can reach: a phone handed it would look for the server on itself. */
export const isLoopback = (address: string): boolean => {
  try {
    const host = new URL(address).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\./.test(host);
  } catch {
    return false;
  }
};

/** Where pairing links point: `PUBLIC_URL` when the server has one, else this tab's own origin. */
function usePairingBase(): string {
  const [base, setBase] = useState(window.location.origin);
  useEffect(() => {
    let live = true;
    deskApi.publicUrl().then(
      (url) => live && url !== null && setBase(url),
      () => undefined, // this tab's origin is the fallback
    );
    return () => {
      live = false;
    };
  }, []);
  return base;
}

/**
 * Pairing: the organiser names a device and picks its role; the server issues
 * a token, shown once, as a QR code of the enrolment link (and the link
 * itself). The phone or tablet scans it and is enrolled with nothing typed.
 * Below, every device with its last activity, and revocation.
 */
export function Devices({
  conferenceId,
  conferences,
}: {
  conferenceId: string;
  conferences: readonly ConferenceSummary[];
}) {
  const { t } = useLang();
  const [list, setList] = useState<readonly Device[] | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const [created, setCreated] = useState<{ device: NewDevice; link: string } | null>(null);
  // TLS=local: phones must trust the venue's CA before they can open the https:// pairing link.
  const localCa = useLocalCa();

  useEffect(() => {
    let live = true;
    api.devices().then(
      (devices) => {
        if (!live) return;
        setError(null);
        setList(devices);
        setNow(Date.now());
      },
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [tick]);

  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  const refresh = useCallback(() => setTick((n) => n + 1), []);

  return (
    <section className="stack devices" aria-labelledby="devices-title">
      <div className="panel stack">
        <h2 id="devices-title">{t('admin.devices')}</h2>
        <p className="hint">{t('admin.devicesHint')}</p>
        {localCa ? <CertificateInstall ca={localCa} /> : null}
        {created ? (
          <Pairing
            device={created.device}
            link={created.link}
            localCa={localCa !== null}
            onDone={() => setCreated(null)}
          />
        ) : (
          <NewDeviceForm
            conferenceId={conferenceId}
            conferences={conferences}
            onCreated={(device, link) => {
              setCreated({ device, link });
              refresh();
            }}
          />
        )}
      </div>
      <DeviceList list={list} now={now} error={error} conferences={conferences} onChanged={refresh} />
    </section>
  );
}

function NewDeviceForm(props: {
  conferenceId: string;
  conferences: readonly ConferenceSummary[];
  onCreated: (device: NewDevice, link: string) => void;
}) {
  const { t } = useLang();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('door');
  const [conferenceId, setConferenceId] = useState(props.conferenceId);
  const [charterId, setCharterId] = useState(() => {
    const last = storage.json<unknown>(`charter.${props.conferenceId}`, null);
    return typeof last === 'string' ? last : '';
  });
  const [charters, setCharters] = useState<readonly CharterListItem[] | null>(null);
  const base = usePairingBase();

  // The tablet's charter is picked from the conference's charters, by title.
  useEffect(() => {
    if (role !== 'kiosk' || !conferenceId) return undefined;
    let live = true;
    deskApi.charters(conferenceId).then(
      (list) => {
        if (!live) return;
        setCharters(list);
        setCharterId((current) =>
          list.some((c) => c.charterId === current)
            ? current
            : ((list.find((c) => c.status === 'open') ?? list[0])?.charterId ?? ''),
        );
      },
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [role, conferenceId]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === '' || busy) return;
    setBusy(true);
    setError(null);
    try {
      const device = await api.createDevice({
        name: name.trim(),
        role,
        ...(conferenceId ? { conferenceId } : {}),
      });
      const link = enrolmentLink(role, device.token, conferenceId || null, charterId.trim() || undefined, base);
      setName('');
      props.onCreated(device, link);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const known = props.conferences.some((c) => c.conferenceId === props.conferenceId);
  return (
    <form className="stack" onSubmit={(e) => void submit(e)} aria-label={t('admin.deviceNew')}>
      <h3>{t('admin.deviceNew')}</h3>
      <label className="field">
        <span>{t('admin.deviceName')}</span>
        <input
          className="input-large"
          value={name}
          maxLength={100}
          autoComplete="off"
          placeholder={t('admin.deviceNamePlaceholder')}
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      <label className="field">
        <span>{t('admin.deviceRole')}</span>
        <select className="input-large" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {(['door', 'kiosk', 'display', 'organiser'] as const satisfies readonly Role[]).map((r) => (
            <option key={r} value={r}>
              {t(`admin.role.${r}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('admin.deviceConference')}</span>
        <select className="input-large" value={conferenceId} onChange={(e) => setConferenceId(e.target.value)}>
          {props.conferences.map((c) => (
            <option key={c.conferenceId} value={c.conferenceId}>
              {c.name || c.conferenceId}
            </option>
          ))}
          {!known ? <option value={props.conferenceId}>{props.conferenceId}</option> : null}
          {role === 'organiser' ? <option value="">{t('admin.deviceAnyConference')}</option> : null}
        </select>
      </label>
      {role === 'kiosk' ? (
        <label className="field">
          <span>{t('desk.deviceCharter')}</span>
          <select className="input-large" value={charterId} onChange={(e) => setCharterId(e.target.value)}>
            <option value="">{t('desk.deviceOpenCharter')}</option>
            {charters?.map((c) => (
              <option key={c.charterId} value={c.charterId}>
                {c.title || c.charterId}
                {c.status === 'closed' ? ` (${t('desk.charterClosed')})` : ''}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {isLoopback(base) ? (
        <p className="warning-localhost" role="note" data-testid="localhost-warning">
          {t('desk.localhostWarning', { address: base })}
        </p>
      ) : null}
      <ErrorMessage error={error} />
      <button type="submit" className="btn btn-primary btn-large" disabled={busy || name.trim() === ''}>
        {t('admin.deviceCreate')}
      </button>
    </form>
  );
}

/** The QR code and the link, once: the token they carry is never shown again. */
function Pairing({
  device,
  link,
  localCa,
  onDone,
}: {
  device: NewDevice;
  link: string;
  localCa: boolean;
  onDone: () => void;
}) {
  const { t } = useLang();
  const input = useRef<HTMLInputElement>(null);
  const [qrError, setQrError] = useState<unknown>(null);
  const [copied, setCopied] = useState(false);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setCopied(true);
    } catch {
      // No clipboard API outside a secure context (plain http on the hall's LAN): select, and copy the old way.
      input.current?.focus();
      input.current?.select();
      setCopied(document.execCommand('copy'));
    }
  };

  return (
    <div className="stack pairing" data-testid="pairing">
      <p>{t('admin.deviceCreated', { name: device.name })}</p>
      <p className="banner banner-warning" role="alert">
        {t('admin.deviceOnce')}
      </p>
      <QrCanvas
        text={link}
        width={320}
        margin={4}
        className="pairing-qr"
        testId="pairing-qr"
        label={t('admin.deviceQrAlt', { name: device.name })}
        onError={setQrError}
      />
      {qrError ? <ErrorMessage error={qrError} /> : null}
      {isLoopback(link) ? (
        <p className="warning-localhost" role="alert">
          {t('desk.localhostWarning', { address: new URL(link).origin })}
        </p>
      ) : null}
      {localCa ? <p className="hint">{t('tls.pairingReminder')}</p> : null}
      <label className="field">
        <span>{t('admin.deviceLink')}</span>
        <input
          ref={input}
          className="mono"
          readOnly
          value={link}
          data-testid="pairing-link"
          onFocus={(e) => e.target.select()}
        />
      </label>
      <div className="actions">
        <button type="button" className="btn" onClick={() => void copy()}>
          {t('admin.deviceCopy')}
        </button>
        <button type="button" className="btn btn-primary" onClick={onDone}>
          {t('admin.deviceDone')}
        </button>
      </div>
      {copied ? (
        <p className="hint" role="status">
          {t('admin.deviceCopied')}
        </p>
      ) : null}
    </div>
  );
}

function DeviceList(props: {
  list: readonly Device[] | null;
  now: number;
  error: unknown;
  conferences: readonly ConferenceSummary[];
  onChanged: () => void;
}) {
  const { t, lang } = useLang();
  const self = useDevice()?.device?.deviceId ?? null;
  const [confirming, setConfirming] = useState<Device | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const { list, now } = props;

  const conferenceName = (id: string | null) =>
    id === null ? t('admin.deviceAnyConference') : (props.conferences.find((c) => c.conferenceId === id)?.name ?? id);

  const revoke = async (device: Device) => {
    setBusy(true);
    setError(null);
    try {
      await api.revokeDevice(device.deviceId);
      setConfirming(null);
      props.onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  // Active devices first, newest first; revoked ones after, for the record.
  const sorted = [...(list ?? [])].sort(
    (a, b) =>
      Number(a.revokedAt !== null) - Number(b.revokedAt !== null) ||
      (b.createdAt ?? '').localeCompare(a.createdAt ?? ''),
  );

  return (
    <section className="panel stack" aria-labelledby="device-list-title">
      <h2 id="device-list-title">{t('admin.deviceList')}</h2>
      <ErrorMessage error={props.error ?? error} />
      {list === null && !props.error ? <p>{t('common.loading')}</p> : null}
      {list?.length === 0 ? <p>{t('admin.deviceNone')}</p> : null}
      {sorted.length > 0 ? (
        <div className="table-scroll">
          <table className="devices-table" aria-labelledby="device-list-title">
            <thead>
              <tr>
                <th scope="col">{t('admin.deviceColName')}</th>
                <th scope="col">{t('admin.deviceColRole')}</th>
                <th scope="col">{t('admin.deviceColConference')}</th>
                <th scope="col">{t('admin.deviceColCreated')}</th>
                <th scope="col">{t('admin.deviceColLastSeen')}</th>
                <th scope="col">{t('admin.deviceColStatus')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('admin.deviceRevoke')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((d) => (
                <tr key={d.deviceId} className={d.revokedAt ? 'revoked' : undefined} data-testid="device-row">
                  <td>
                    <span className="device-name">{d.name}</span>
                    {d.deviceId === self ? <span className="hint"> {t('admin.deviceThis')}</span> : null}
                  </td>
                  <td>{d.role ? t(`admin.role.${d.role}`) : '?'}</td>
                  <td>{conferenceName(d.conferenceId)}</td>
                  <td>{formatDateTime(d.createdAt, lang)}</td>
                  <td
                    data-testid="device-last-seen"
                    title={d.lastSeenAt ? formatDateTime(d.lastSeenAt, lang) : undefined}
                  >
                    {d.lastSeenAt ? (
                      <time dateTime={d.lastSeenAt}>{formatRelative(t, d.lastSeenAt, now, lang)}</time>
                    ) : (
                      formatRelative(t, null, now, lang)
                    )}
                    {d.door ? (
                      <div className="hint" data-testid="device-door-state">
                        {d.door.datasetAt
                          ? t('devices.doorList', { time: formatRelative(t, d.door.datasetAt, now, lang) })
                          : null}
                        {d.door.pendingScans ? (
                          <span className="badge badge-warn">
                            {' '}
                            {t('devices.doorPending', { count: d.door.pendingScans })}
                          </span>
                        ) : null}
                      </div>
                    ) : null}
                  </td>
                  <td data-testid="device-status">
                    {d.revokedAt ? (
                      <span className="badge badge-bad" title={formatDateTime(d.revokedAt, lang)}>
                        {t('admin.deviceRevoked')}
                      </span>
                    ) : (
                      <span className="badge badge-ok">{t('admin.deviceActive')}</span>
                    )}
                  </td>
                  <td>
                    {!d.revokedAt ? (
                      <button
                        type="button"
                        className="btn btn-small btn-danger"
                        aria-label={`${t('admin.deviceRevoke')} ${d.name}`}
                        onClick={() => {
                          setError(null);
                          setConfirming(d);
                        }}
                      >
                        {t('admin.deviceRevoke')}
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {confirming ? (
        <div className="confirm stack" role="alertdialog" aria-label={t('admin.deviceRevoke')}>
          <p>{t('admin.deviceRevokeConfirm', { name: confirming.name })}</p>
          <div className="actions">
            <button type="button" className="btn" disabled={busy} onClick={() => setConfirming(null)}>
              {t('common.cancel')}
            </button>
            <button type="button" className="btn btn-danger" disabled={busy} onClick={() => void revoke(confirming)}>
              {t('admin.deviceRevokeYes')}
            </button>
          </div>
        </div>
      ) : null}
    </section>
  );
}
