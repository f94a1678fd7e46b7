import { useEffect, useState } from 'react';
import { api, CATEGORIES, download, type Registration } from '../api';
import { formatTime, personName } from '../format';
import { useLang, type Translate } from '../i18n';
import { ErrorMessage } from '../shell';
import { CancelDialog, downloadTicket, EraseDialog, exportPerson } from './PersonActions';
import { mailStatusLabel, SendTickets, useTicketMail } from './TicketMail';

/** Rows a page: 412 people fit in nine pages of a laptop screen or two each, 20,000 in 400. */
export const PAGE_SIZE = 50;

type SortKey = 'name' | 'organisation' | 'category' | 'status' | 'arrival' | 'lunch' | 'signed';
type Confirm = { kind: 'cancel' | 'erase'; registration: Registration } | null;

/**
 * The registrations as a table for a laptop (a list of cards on a phone):
 * who has arrived, when and where, or why they were refused; lunch and the
 * charter. Filtering, sorting and paging are the server's (a page of fifty
 * is what travels, not 100,000 people): each column orders the rows as the
 * server's `sort` does (ties by name, so that a page never reshuffles). Actions
 * are in each row's menu, the destructive ones behind a confirmation.
 */
export function Registrations(props: {
  conferenceId: string;
  timezone: string;
  refresh: number;
  onOpen: (registration: Registration) => void;
}) {
  const { conferenceId } = props;
  const { t } = useLang();
  const [q, setQ] = useState('');
  const [category, setCategory] = useState('');
  const [status, setStatus] = useState('');
  const [lunch, setLunch] = useState('');
  const [arrival, setArrival] = useState('');
  const [list, setList] = useState<Registration[] | null>(null);
  const [total, setTotal] = useState(0);
  const [sort, setSort] = useState<{ key: SortKey; ascending: boolean }>({ key: 'name', ascending: true });
  const [page, setPage] = useState(0);
  const [menu, setMenu] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<Confirm>(null);
  const [error, setError] = useState<unknown>(null);
  const [reload, setReload] = useState(0);
  const mail = useTicketMail(conferenceId);

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      api
        .registrationPage(
          conferenceId,
          { q: q.trim(), category, status, lunch, arrival },
          { sort: sort.key, order: sort.ascending ? 'asc' : 'desc', offset: page * PAGE_SIZE, limit: PAGE_SIZE },
        )
        .then(
          (found) => {
            if (!live) return;
            setError(null);
            // A page emptied meanwhile (people erased or filtered out): go to the last one that has rows.
            if (found.items.length === 0 && found.total > 0 && page > 0) {
              setPage(Math.ceil(found.total / PAGE_SIZE) - 1);
              return;
            }
            setList(found.items);
            setTotal(found.total);
          },
          (e: unknown) => live && setError(e),
        );
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [conferenceId, q, category, status, lunch, arrival, sort, page, props.refresh, reload]);

  // A new search or filter starts at the first page; a reload after an action stays where it is.
  useEffect(() => setPage(0), [q, category, status, lunch, arrival, sort]);

  // The open row menu closes on a click elsewhere or Escape.
  useEffect(() => {
    if (menu === null) return undefined;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent && e.key !== 'Escape') return;
      if (e.target instanceof Element && e.target.closest('.row-menu')) return;
      setMenu(null);
    };
    document.addEventListener('click', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('click', close);
      document.removeEventListener('keydown', close);
    };
  }, [menu]);

  const pages = list ? Math.max(1, Math.ceil(total / PAGE_SIZE)) : 1;
  const current = Math.min(page, pages - 1);
  const shown = list ?? [];

  const run = (action: Promise<void>) => {
    setMenu(null);
    action.catch((e: unknown) => setError(e));
  };

  const header = (key: SortKey, label: string) => {
    const active = sort.key === key;
    return (
      <th scope="col" aria-sort={active ? (sort.ascending ? 'ascending' : 'descending') : 'none'}>
        <button
          type="button"
          className="sort"
          onClick={() => setSort({ key, ascending: active ? !sort.ascending : true })}
        >
          {label}
          <span aria-hidden="true">{active ? (sort.ascending ? ' ▲' : ' ▼') : ''}</span>
        </button>
      </th>
    );
  };

  return (
    <section className="panel stack desk">
      <div className="row row-between">
        <h2>{t('admin.registrations')}</h2>
        <button
          type="button"
          className="btn"
          onClick={() => run(download(api.allTicketsPath(conferenceId), 'billets.pdf'))}
        >
          {t('admin.allTickets')}
        </button>
      </div>
      <SendTickets conferenceId={conferenceId} progress={mail.progress} onQueued={mail.reload} />
      <div className="filters desk-filters">
        <label className="field">
          <span>{t('admin.search')}</span>
          <input type="search" className="input-large" value={q} onChange={(e) => setQ(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('desk.arrival')}</span>
          <select value={arrival} onChange={(e) => setArrival(e.target.value)}>
            <option value="">{t('common.all')}</option>
            <option value="arrived">{t('desk.filterArrived')}</option>
            <option value="not_arrived">{t('desk.filterNotArrived')}</option>
            <option value="refused">{t('desk.filterRefused')}</option>
          </select>
        </label>
        <label className="field">
          <span>{t('field.category')}</span>
          <select value={category} onChange={(e) => setCategory(e.target.value)}>
            <option value="">{t('common.all')}</option>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {t(`category.${c}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('field.status')}</span>
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t('common.all')}</option>
            <option value="registered">{t('status.registered')}</option>
            <option value="waitlisted">{t('status.waitlisted')}</option>
            <option value="cancelled">{t('status.cancelled')}</option>
          </select>
        </label>
        <label className="field">
          <span>{t('admin.filterLunch')}</span>
          <select value={lunch} onChange={(e) => setLunch(e.target.value)}>
            <option value="">{t('common.all')}</option>
            <option value="true">{t('admin.lunchYes')}</option>
            <option value="false">{t('admin.lunchNo')}</option>
          </select>
        </label>
      </div>
      <ErrorMessage error={error} />
      {list === null && !error ? <p>{t('common.loading')}</p> : null}
      {list ? <p className="hint">{t('admin.registrationsCount', { count: total })}</p> : null}
      {list && total === 0 ? <p>{t('admin.noRegistrations')}</p> : null}
      {shown.length > 0 ? (
        <table className="registrations desk-table">
          <thead>
            <tr>
              {header('name', t('desk.colName'))}
              {header('organisation', t('desk.colOrganisation'))}
              {header('category', t('field.category'))}
              {header('status', t('field.status'))}
              {header('arrival', t('desk.arrival'))}
              {header('lunch', t('field.lunch'))}
              {header('signed', t('desk.colCharter'))}
              <th scope="col">{t('mail.column')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('desk.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr key={r.registrationId} className={`registration status-${r.status}`}>
                <td data-label={t('desk.colName')}>
                  <button
                    type="button"
                    className={r.erased ? 'link registration-name person-erased' : 'link registration-name'}
                    onClick={() => props.onOpen(r)}
                  >
                    {personName(t, r)}
                  </button>
                </td>
                <td data-label={t('desk.colOrganisation')} className="cell-organisation registration-detail">
                  {r.organisation ?? ''}
                </td>
                <td data-label={t('field.category')}>
                  <span className={`badge badge-${r.category}`}>{t(`category.${r.category}`)}</span>
                </td>
                <td data-label={t('field.status')}>
                  <span className={`badge badge-status-${r.status}`}>{t(`status.${r.status}`)}</span>
                </td>
                <td data-label={t('desk.arrival')} className="cell-arrival" data-testid="arrival">
                  <ArrivalCell t={t} registration={r} timezone={props.timezone} />
                </td>
                <td data-label={t('field.lunch')} className="cell-lunch">
                  {!r.lunch ? (
                    <span className="hint">—</span>
                  ) : r.lunchPaid ? (
                    <span className="state-ok">{t('desk.lunchPaid')}</span>
                  ) : (
                    <span className="state-pending">{t('desk.lunchDue')}</span>
                  )}
                </td>
                <td data-label={t('desk.colCharter')}>
                  {r.signed ? <span className="state-ok">{t('desk.signed')}</span> : <span className="hint">—</span>}
                </td>
                <td data-label={t('mail.column')} className="cell-mail" data-testid="mail-status">
                  {(() => {
                    const m = mail.statusOf(r.registrationId);
                    if (!m) return <span className="hint">—</span>;
                    const cls =
                      m.status === 'sent' ? 'state-ok' : m.status === 'failed' ? 'state-refused' : 'state-pending';
                    return (
                      <span className={cls} title={m.response ?? undefined}>
                        {mailStatusLabel(t, m.status)}
                      </span>
                    );
                  })()}
                </td>
                <td className="cell-actions">
                  <div className="row-menu">
                    <button
                      type="button"
                      className="btn btn-small"
                      aria-haspopup="menu"
                      aria-expanded={menu === r.registrationId}
                      aria-label={t('desk.actionsFor', { name: personName(t, r) })}
                      onClick={() => setMenu((m) => (m === r.registrationId ? null : r.registrationId))}
                    >
                      {t('desk.actions')} ▾
                    </button>
                    {menu === r.registrationId ? (
                      <div className="menu" role="menu">
                        <button type="button" role="menuitem" onClick={() => props.onOpen(r)}>
                          {t('desk.openPerson')}
                        </button>
                        <button
                          type="button"
                          role="menuitem"
                          onClick={() => run(downloadTicket(conferenceId, r, 'pdf'))}
                        >
                          {t('admin.ticketPdf')}
                        </button>
                        <button
                          type="button"
                          role="menuitem"
                          onClick={() => run(downloadTicket(conferenceId, r, 'png'))}
                        >
                          {t('admin.ticketPng')}
                        </button>
                        <button type="button" role="menuitem" onClick={() => run(exportPerson(conferenceId, r))}>
                          {t('admin.exportData')}
                        </button>
                        {r.status !== 'cancelled' ? (
                          <button
                            type="button"
                            role="menuitem"
                            className="menu-danger"
                            onClick={() => {
                              setMenu(null);
                              setConfirm({ kind: 'cancel', registration: r });
                            }}
                          >
                            {t('admin.cancel')}…
                          </button>
                        ) : null}
                        {!r.erased ? (
                          <button
                            type="button"
                            role="menuitem"
                            className="menu-danger"
                            onClick={() => {
                              setMenu(null);
                              setConfirm({ kind: 'erase', registration: r });
                            }}
                          >
                            {t('admin.erase')}…
                          </button>
                        ) : null}
                      </div>
                    ) : null}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {list && pages > 1 ? (
        <nav className="row pager" aria-label={t('desk.pages')}>
          <button type="button" className="btn btn-small" disabled={current === 0} onClick={() => setPage(0)}>
            «
          </button>
          <button type="button" className="btn btn-small" disabled={current === 0} onClick={() => setPage(current - 1)}>
            {t('desk.previous')}
          </button>
          <span aria-live="polite">
            {t('desk.pageOf', {
              page: current + 1,
              pages,
              from: current * PAGE_SIZE + 1,
              to: Math.min(total, (current + 1) * PAGE_SIZE),
              total,
            })}
          </span>
          <button
            type="button"
            className="btn btn-small"
            disabled={current >= pages - 1}
            onClick={() => setPage(current + 1)}
          >
            {t('desk.next')}
          </button>
          <button
            type="button"
            className="btn btn-small"
            disabled={current >= pages - 1}
            onClick={() => setPage(pages - 1)}
          >
            »
          </button>
        </nav>
      ) : null}
      {confirm?.kind === 'cancel' ? (
        <CancelDialog
          conferenceId={conferenceId}
          registration={confirm.registration}
          onClose={() => setConfirm(null)}
          onDone={() => {
            setConfirm(null);
            setReload((n) => n + 1);
          }}
        />
      ) : null}
      {confirm?.kind === 'erase' ? (
        <EraseDialog
          conferenceId={conferenceId}
          registration={confirm.registration}
          onClose={() => setConfirm(null)}
          onDone={() => {
            setConfirm(null);
            setReload((n) => n + 1);
          }}
        />
      ) : null}
    </section>
  );
}

/** « 9:42 · Accueil principal », or « Refusé·e 9:40 · pièce d’identité non vérifiée », or a dash. */
export function ArrivalCell({
  t,
  registration: r,
  timezone,
}: {
  t: Translate;
  registration: Registration;
  timezone: string;
}) {
  const { lang } = useLang();
  if (r.admitted) {
    return (
      <span className="state-ok">
        <strong>{formatTime(r.admitted.at, timezone, lang)}</strong> · {r.admitted.door}
      </span>
    );
  }
  if (r.refused) {
    return (
      <span className="state-refused">
        {t('desk.refusedAt', { time: formatTime(r.refused.at, timezone, lang) })} ·{' '}
        {t(`dashboard.reason.${r.refused.reason}`)}
      </span>
    );
  }
  return <span className="hint">—</span>;
}
