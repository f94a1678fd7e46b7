import { DOCUMENT_KINDS, type DocumentKind } from '../api';
import { useLang } from '../i18n';

export interface IdCheckDraft {
  /** `none`: the person has no identity document, which is recorded as such (refused `id_missing`). */
  document: DocumentKind | 'none' | null;
  nameMatches: boolean | null;
}

export const emptyIdCheck: IdCheckDraft = { document: null, nameMatches: null };

/**
 * The document's kind and whether the name matches: nothing else is asked,
 * and no document number is ever typed, so none can be sent or stored.
 */
export function IdCheckForm({ value, onChange }: { value: IdCheckDraft; onChange: (next: IdCheckDraft) => void }) {
  const { t } = useLang();
  return (
    <fieldset className="idcheck">
      <legend>{t('preview.idTitle')}</legend>
      <p className="label">{t('preview.idDocument')}</p>
      <div className="grid-2" role="group" aria-label={t('preview.idDocument')}>
        {DOCUMENT_KINDS.map((kind) => (
          <button
            key={kind}
            type="button"
            className="btn btn-choice"
            aria-pressed={value.document === kind}
            onClick={() =>
              // From « no document » to a document: the name question is asked afresh, not pre-answered « Non ».
              onChange({ document: kind, nameMatches: value.document === 'none' ? null : value.nameMatches })
            }
          >
            {t(`document.${kind}`)}
          </button>
        ))}
      </div>
      <button
        type="button"
        className="btn btn-choice btn-no"
        aria-pressed={value.document === 'none'}
        onClick={() => onChange({ document: 'none', nameMatches: false })}
      >
        {t('preview.idNone')}
      </button>
      {value.document === 'none' ? null : <NameQuestion value={value} onChange={onChange} />}
    </fieldset>
  );
}

function NameQuestion({ value, onChange }: { value: IdCheckDraft; onChange: (next: IdCheckDraft) => void }) {
  const { t } = useLang();
  return (
    <>
      <p className="label">{t('preview.idNameMatches')}</p>
      <div className="row" role="group" aria-label={t('preview.idNameMatches')}>
        <button
          type="button"
          className="btn btn-choice btn-yes"
          aria-pressed={value.nameMatches === true}
          onClick={() => onChange({ ...value, nameMatches: true })}
        >
          {t('preview.idNameYes')}
        </button>
        <button
          type="button"
          className="btn btn-choice btn-no"
          aria-pressed={value.nameMatches === false}
          onClick={() => onChange({ ...value, nameMatches: false })}
        >
          {t('preview.idNameNo')}
        </button>
      </div>
    </>
  );
}

export const idCheckComplete = (draft: IdCheckDraft): boolean => draft.document !== null && draft.nameMatches !== null;
