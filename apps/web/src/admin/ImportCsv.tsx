import { useState, type FormEvent } from 'react';
import { api, uploadCsv, type ImportLine, type ImportReport } from '../api';
import { useLang, isMessageKey } from '../i18n';
import { ErrorMessage } from '../shell';

/** The lines of one kind, from the report's per-line list. */
const linesOf = <K extends 'created' | 'duplicate'>(report: ImportReport, kind: K) =>
  report.lines.filter((l): l is Extract<ImportLine, { result: K }> => l.result === kind);

/** Sends the file as it is (the server parses it: comma or semicolon, BOM, quotes) and shows its report line by line. */
export function ImportCsv({ conferenceId, onImported }: { conferenceId: string; onImported: () => void }) {
  const { t } = useLang();
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setError(null);
    setReport(null);
    setProgress(0);
    try {
      setReport(await uploadCsv(api.importPath(conferenceId), file, setProgress));
      onImported();
    } catch (e) {
      setError(e);
    } finally {
      setProgress(null);
    }
  };

  const reasonText = (reason: string, field?: string) => {
    const key = `error.${reason}`;
    const text = isMessageKey(key) ? t(key) : reason;
    return field ? `${text} (${field})` : text;
  };

  return (
    <section className="panel stack">
      <h2>{t('admin.import')}</h2>
      <p className="hint">{t('admin.importHint')}</p>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <label className="field">
          <span>{t('admin.importFile')}</span>
          <input
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setReport(null);
            }}
          />
        </label>
        <button type="submit" className="btn btn-primary btn-large" disabled={!file || progress !== null}>
          {t('admin.importSubmit')}
        </button>
      </form>
      {progress !== null ? (
        <div className="stack">
          <progress max={1} value={progress} aria-label={t('admin.importFile')} />
          <p role="status">
            {progress < 1
              ? t('admin.importProgress', { percent: Math.round(progress * 100) })
              : t('admin.importProcessing')}
          </p>
        </div>
      ) : null}
      <ErrorMessage error={error} />
      {report ? (
        <div className="report stack" data-testid="import-report">
          {/* Which encoding was read, so that a file from Excel is seen to keep its accents. */}
          <p data-testid="import-encoding">
            {t('admin.importEncoding', {
              encoding: t(report.encoding === 'windows-1252' ? 'admin.encoding1252' : 'admin.encodingUtf8'),
            })}
          </p>
          <p className="report-counts">
            <span className="badge badge-ok">{t('admin.importCreated', { count: report.created })}</span>
            <span className="badge badge-warn">{t('admin.importDuplicates', { count: report.duplicates })}</span>
            <span className="badge badge-bad">{t('admin.importRejected', { count: report.rejected.length })}</span>
          </p>
          {report.rejected.length > 0 ? (
            <details open>
              <summary>{t('admin.importRejected', { count: report.rejected.length })}</summary>
              <ul className="lines">
                {report.rejected.map((r) => (
                  <li key={`${r.line}-${r.reason}`}>
                    <strong>{t('admin.importLine', { line: r.line })}</strong>
                    {r.name ? ` — ${r.name}` : ''} — {reasonText(r.reason, r.field)}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
          {linesOf(report, 'duplicate').length > 0 ? (
            <details open>
              <summary>{t('admin.importDuplicates', { count: report.duplicates })}</summary>
              <ul className="lines">
                {linesOf(report, 'duplicate').map((d) => (
                  <li key={d.line}>
                    {t('admin.importLine', { line: d.line })}
                    {d.name ? ` — ${d.name}` : ''}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
          {linesOf(report, 'created').length > 0 ? (
            <details>
              <summary>{t('admin.importCreated', { count: report.created })}</summary>
              <ul className="lines">
                {linesOf(report, 'created').map((c) => (
                  <li key={c.line}>
                    {t('admin.importLine', { line: c.line })}
                    {c.status === 'waitlisted' ? ` — ${t('status.waitlisted')}` : ''}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
