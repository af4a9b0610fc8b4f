/** Small shared pieces of the console's pages: messages, dialogs, loading lists. */
import { type ButtonHTMLAttributes, type ReactNode, useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../i18n/i18n';

/** An error a person must read: announced at once, says what to do next. */
export function ErrorMessage({ error, testId }: { error: unknown; testId?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <p className="message message-error" role="alert" data-testid={testId ?? 'error'}>
      {typeof error === 'string' ? error : errorText(t, error)}
    </p>
  );
}

/** A success or progress note, announced politely. */
export function StatusMessage({ children, testId }: { children: ReactNode; testId?: string }) {
  if (!children) return null;
  return (
    <p className="message message-ok" role="status" data-testid={testId ?? 'status'}>
      {children}
    </p>
  );
}

export interface ModalProps {
  title: string;
  onClose(): void;
  children: ReactNode;
  testId?: string;
  /** Shown in the footer next to the close button. */
  actions?: ReactNode;
  closeLabel?: string;
  /** The body draws its own footer (a form with <FormActions>), so Enter submits and Cancel sits beside it. */
  hideFooter?: boolean;
}

/**
 * A modal dialog on the native <dialog> element: focus moves into it and stays there, Escape
 * closes it, and focus returns to whatever opened it.
 */
export function Modal({ title, onClose, children, testId, actions, closeLabel, hideFooter }: ModalProps) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    const handleCancel = (e: Event) => {
      e.preventDefault();
      onCloseRef.current();
    };
    dialog.addEventListener('cancel', handleCancel);
    return () => {
      dialog.removeEventListener('cancel', handleCancel);
      if (dialog.open) dialog.close();
      opener?.focus?.();
    };
  }, []);
  return (
    <dialog ref={ref} className="modal" aria-labelledby={titleId} data-testid={testId}>
      <h2 id={titleId}>{title}</h2>
      <div className="modal-body">{children}</div>
      {hideFooter ? null : (
        <div className="modal-actions">
          <button type="button" className="button" onClick={onClose}>
            {closeLabel ?? t('common.close')}
          </button>
          {actions}
        </div>
      )}
    </dialog>
  );
}

/** Runs a write: busy while it runs; what went wrong is kept to show (and cleared on the next try). */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async (action: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}

/** Asks before something that cannot be undone; the safe choice (cancel) is the default focus. */
export function ConfirmDialog(props: {
  title: string;
  body: string;
  confirmLabel: string;
  onConfirm(): Promise<void> | void;
  onCancel(): void;
  testId?: string;
}) {
  const { t } = useTranslation();
  const { busy, error, run } = useAction();
  const confirm = () => void run(async () => props.onConfirm());
  return (
    <Modal
      title={props.title}
      onClose={props.onCancel}
      testId={props.testId ?? 'confirm-dialog'}
      closeLabel={t('common.cancel')}
      actions={
        <button type="button" className="button button-danger" onClick={confirm} disabled={busy} data-testid="confirm">
          {props.confirmLabel}
        </button>
      }
    >
      <p>{props.body}</p>
      <ErrorMessage error={error} />
    </Modal>
  );
}

/** What to ask before a step that cannot be undone, and the step. */
export interface ConfirmRequest {
  title: string;
  body: string;
  confirmLabel: string;
  /** The step; the dialog closes when it is done, and shows why when it throws. */
  run(): unknown;
  testId?: string;
}

/**
 * One ConfirmDialog for a page: a row's button calls `ask(…)`, the page renders `dialog` once.
 * Instead of a piece of state per question and a dialog per piece of state.
 */
export function useConfirm() {
  const [request, setRequest] = useState<ConfirmRequest | null>(null);
  const close = useCallback(() => setRequest(null), []);
  const dialog = request ? (
    <ConfirmDialog
      title={request.title}
      body={request.body}
      confirmLabel={request.confirmLabel}
      testId={request.testId}
      onCancel={close}
      onConfirm={async () => {
        await request.run();
        close();
      }}
    />
  ) : null;
  return { ask: setRequest, close, dialog };
}

/**
 * What a list page's row actions share: the confirmation before one that cannot be undone (`ask`
 * or `askFirst`, shown as `dialog`), a line saying what was done (`say`), and the last failure of `run` in words;
 * `notices` shows the line and the failure.
 */
export function usePageActions(statusTestId: string) {
  const confirm = useConfirm();
  const [status, setStatus] = useState<string | null>(null);
  const { error, run } = useAction();
  const notices = (
    <>
      <StatusMessage testId={statusTestId}>{status}</StatusMessage>
      <ErrorMessage error={error} />
    </>
  );
  /** A row action that asks first: the dialog's button says what the row's button said. */
  const askFirst = (
    action: { label: string; danger?: boolean; testId?: string },
    question: Omit<ConfirmRequest, 'confirmLabel'>,
  ) => ({ ...action, onClick: () => confirm.ask({ ...question, confirmLabel: action.label }) });
  return { ask: confirm.ask, askFirst, dialog: confirm.dialog, say: setStatus, run, notices };
}

export interface Loadable<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  reload(): void;
  /** Replace the data locally (after a live update or a write), without a round trip. */
  set(update: (current: T | null) => T | null): void;
}

/** Loads data with `load` when the page opens (and on reload); keeps the last data while reloading. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loadable<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  // biome-ignore lint/correctness/useExhaustiveDependencies: deps are the caller's
  useEffect(() => {
    let alive = true;
    setLoading(true);
    loadRef.current().then(
      (d) => {
        if (!alive) return;
        setData(d);
        setError(null);
        setLoading(false);
      },
      (err) => {
        if (!alive) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => {
      alive = false;
    };
  }, [tick, ...deps]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, reload, set: setData };
}

/** What a page shows while loading or after a failed load (with a way to try again). */
export function LoadState({ state, children }: { state: Loadable<unknown>; children: ReactNode }) {
  const { t } = useTranslation();
  if (state.data === null && state.loading) return <p role="status">{t('app.loading')}</p>;
  if (state.data === null && state.error)
    return (
      <div>
        <ErrorMessage error={state.error} />
        <button type="button" className="button" onClick={state.reload}>
          {t('app.retry')}
        </button>
      </div>
    );
  return (
    <>
      {state.error ? <ErrorMessage error={state.error} /> : null}
      {children}
    </>
  );
}

/** A labelled form field with an optional hint, wired with aria-describedby. */
export function Field(props: {
  label: string;
  hint?: string;
  /** A fixed id (a page that focuses the field by it); otherwise one is made. */
  id?: string;
  children: (ids: { id: string; describedBy?: string }) => ReactNode;
}) {
  const madeId = useId();
  const id = props.id ?? madeId;
  const hintId = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.children({ id, describedBy: props.hint ? hintId : undefined })}
      {props.hint ? (
        <p className="hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}

/**
 * Says which row a repeated button acts on ("発行（佐藤 ハル）") to screen readers, while the
 * visible label stays short; the visible text stays the start of the accessible name.
 */
export function ForName({ name }: { name: string }) {
  const { t } = useTranslation();
  return <span className="visually-hidden">{t('common.forName', { name })}</span>;
}

/**
 * A button that does something on the page (never submits a form): `look` and `size` pick the
 * style, and it is disabled while `busy` (its action runs).
 */
export function Button({
  look,
  size,
  busy,
  disabled,
  testId,
  ...button
}: {
  look?: 'primary' | 'danger' | 'danger-outline' | 'quiet';
  size?: 'small' | 'large' | 'wide';
  onClick(): void;
  busy?: boolean;
  disabled?: boolean;
  testId?: string;
  children: ReactNode;
} & Pick<
  ButtonHTMLAttributes<HTMLButtonElement>,
  'aria-pressed' | 'aria-label' | 'aria-describedby' | 'lang' | 'className'
>) {
  const className = ['button', look && `button-${look}`, size && `button-${size}`, button.className]
    .filter(Boolean)
    .join(' ');
  return <button type="button" {...button} className={className} disabled={busy || disabled} data-testid={testId} />;
}

/** Footer of a form inside a Modal: Cancel, then the submit button (rightmost, the primary action). */
export function FormActions(props: {
  onCancel(): void;
  submitLabel: string;
  busy?: boolean;
  disabled?: boolean;
  testId?: string;
}) {
  const { t } = useTranslation();
  return (
    <div className="modal-actions">
      <button type="button" className="button" onClick={props.onCancel}>
        {t('common.cancel')}
      </button>
      <button
        type="submit"
        className="button button-primary"
        disabled={props.busy || props.disabled}
        data-testid={props.testId}
      >
        {props.submitLabel}
      </button>
    </div>
  );
}
