import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useLang } from '../i18n';

/**
 * A handheld scanner is a keyboard: it types the code and presses Enter into
 * whatever has the focus. Keys typed while no text field has the focus (a
 * button of the ID check, the result screen) are gathered here, so a scan is
 * never lost whatever the screen; Enter after them is the scan, and does not
 * press the focused button.
 */
export function useScannerKeys(onCode: (code: string) => void): void {
  const onCodeRef = useRef(onCode);
  onCodeRef.current = onCode;
  useEffect(() => {
    let buffer = '';
    let last = 0;
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT'))
        return;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const now = Date.now();
      // A pause longer than a scanner's is someone at the keyboard starting again.
      if (now - last > 1_000) buffer = '';
      last = now;
      if (event.key === 'Enter') {
        if (buffer.trim() === '') return;
        event.preventDefault();
        const code = buffer.trim();
        buffer = '';
        onCodeRef.current(code);
      } else if (event.key.length === 1) {
        buffer += event.key;
        if (event.key === ' ') event.preventDefault();
      }
    };
    document.addEventListener('keydown', onKey, true);
    return () => document.removeEventListener('keydown', onKey, true);
  }, []);
}

/**
 * The ticket field, on every door screen: a handheld scanner types into
 * whatever has the focus, so the field takes it back whenever the screen
 * changes (with a real pointer only: on a touch phone, focusing would pop the
 * keyboard over the camera; there the page-wide key listener catches scans).
 */
export function CodeInput({ onCode, screen }: { onCode: (code: string) => void; screen: string }) {
  const { t } = useLang();
  const [value, setValue] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (window.matchMedia('(pointer: fine)').matches) input.current?.focus();
  }, [screen]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const code = value.trim();
    setValue('');
    if (code !== '') onCode(code);
  };
  return (
    <form className="code-form" onSubmit={submit}>
      <label className="field">
        {/* Beside a check or a result the field stays, small: the scanner still types into it. */}
        <span className={screen === 'idle' ? undefined : 'visually-hidden'}>{t('door.code')}</span>
        <span className="row">
          <input
            ref={input}
            className="input-large"
            value={value}
            placeholder={t('door.codePlaceholder')}
            autoComplete="off"
            autoCapitalize="off"
            autoCorrect="off"
            spellCheck={false}
            enterKeyHint="go"
            data-testid="ticket-code"
            onChange={(e) => setValue(e.target.value)}
          />
          {/* The name starts with what is written on it (WCAG 2.5.3), so « OK » said aloud finds it. */}
          <button type="submit" className="btn" aria-label={`OK — ${t('door.codeSubmit')}`}>
            OK
          </button>
        </span>
      </label>
    </form>
  );
}
