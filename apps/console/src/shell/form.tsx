/** Forms in the console: an action's busy and error state, a dialog that is one form, a labelled text field. */

import { STAFF_ROLES, type StaffRole } from '@tsunagu/protocol';
import {
  type FormEvent,
  type InputHTMLAttributes,
  type ReactNode,
  type Ref,
  type SelectHTMLAttributes,
  useCallback,
  useState,
} from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, Field, FormActions, Modal, useAction } from './ui';

/**
 * A dialog that is one form: Enter submits, Cancel closes, the submit button is disabled while the
 * write runs, and a refusal is shown in the dialog with what was typed kept.
 */
export function FormDialog(props: {
  title: string;
  testId?: string;
  onClose(): void;
  /** The write; throw to refuse (the dialog shows why). */
  onSubmit(): Promise<unknown>;
  submitLabel: string;
  submitTestId?: string;
  errorTestId?: string;
  /** False while the form cannot be sent yet. */
  ready?: boolean;
  intro?: ReactNode;
  children: ReactNode;
}) {
  const { busy, error, run } = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(props.onSubmit);
  };
  return (
    <Modal title={props.title} onClose={props.onClose} testId={props.testId} hideFooter>
      {props.intro ? <p>{props.intro}</p> : null}
      <form onSubmit={submit} className="form">
        {props.children}
        <ErrorMessage error={error} testId={props.errorTestId} />
        <FormActions
          onCancel={props.onClose}
          submitLabel={props.submitLabel}
          busy={busy}
          disabled={props.ready === false}
          testId={props.submitTestId}
        />
      </form>
    </Modal>
  );
}

/**
 * A form's values in one piece of state, and each field's binding: `field('name')` gives a
 * TextField or SelectField its `name`, `value` and `onChange`; `check('name')` a CheckField's.
 */
export function useFormFields<V extends Record<string, unknown>>(initial: V) {
  const [values, setValues] = useState(initial);
  const set = useCallback(<K extends keyof V>(key: K, value: V[K]) => setValues((v) => ({ ...v, [key]: value })), []);
  const field = <K extends keyof V & string>(name: K) => ({
    name,
    value: values[name],
    onChange: (value: V[K]) => set(name, value),
  });
  const check = <K extends { [P in keyof V]: V[P] extends boolean ? P : never }[keyof V] & string>(name: K) => ({
    name,
    checked: values[name] as boolean,
    onChange: (checked: boolean) => set(name, checked as V[K]),
  });
  return { values, set, field, check, reset: setValues };
}

/** A labelled one-line (or `rows` > 1: multi-line) text field with an optional hint. */
export function TextField({
  label,
  hint,
  id: fixedId,
  value,
  onChange,
  rows,
  ...input
}: {
  label: string;
  hint?: string;
  value: string;
  onChange(value: string): void;
  rows?: number;
  ref?: Ref<HTMLInputElement>;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>) {
  return (
    <Field label={label} hint={hint} id={fixedId}>
      {({ id, describedBy }) =>
        rows && rows > 1 ? (
          <textarea
            id={id}
            aria-describedby={describedBy}
            rows={rows}
            value={value}
            onChange={(e) => onChange(e.target.value)}
            name={input.name}
            required={input.required}
            disabled={input.disabled}
            maxLength={input.maxLength}
            data-testid={(input as { 'data-testid'?: string })['data-testid']}
          />
        ) : (
          <input
            id={id}
            aria-describedby={describedBy}
            {...input}
            value={value}
            onChange={(e) => onChange(e.target.value)}
          />
        )
      }
    </Field>
  );
}

/**
 * A whole number within the bounds of its protocol schema (`Type.Integer({ minimum, maximum })`):
 * what is typed is rounded and kept within them, so the hub never refuses it.
 */
export function NumberField({
  schema,
  value,
  onChange,
  ...field
}: {
  label: string;
  schema: { minimum?: number; maximum?: number };
  value: number;
  onChange(value: number): void;
  disabled?: boolean;
  'data-testid'?: string;
}) {
  const { minimum: min = 0, maximum: max = Number.MAX_SAFE_INTEGER } = schema;
  return (
    <TextField
      {...field}
      type="number"
      min={min}
      max={max}
      value={String(value)}
      onChange={(v) => onChange(Math.max(min, Math.min(max, Math.round(Number(v) || min))))}
    />
  );
}

/** A labelled file chooser: `onChoose` gets the chosen file, or null when the choice is cleared. */
export function FileField(props: {
  label: string;
  hint?: string;
  accept: string;
  onChoose(file: File | null): void;
  'data-testid'?: string;
}) {
  return (
    <Field label={props.label} hint={props.hint}>
      {({ id, describedBy }) => (
        <input
          id={id}
          aria-describedby={describedBy}
          type="file"
          accept={props.accept}
          data-testid={props['data-testid']}
          onChange={(e) => props.onChoose(e.target.files?.[0] ?? null)}
        />
      )}
    </Field>
  );
}

/** The six digits of an authenticator app's code (anything but digits is dropped as it is typed). */
export function CodeField({
  onChange,
  ...field
}: {
  label: string;
  hint?: string;
  value: string;
  onChange(value: string): void;
  required?: boolean;
  'data-testid'?: string;
}) {
  return (
    <TextField
      {...field}
      inputMode="numeric"
      autoComplete="one-time-code"
      maxLength={6}
      onChange={(v) => onChange(v.replace(/\D/g, ''))}
    />
  );
}

/** A labelled choice of one of `options` (their values are kept as they are, numbers stay numbers). */
export function SelectField<V extends string | number>({
  label,
  hint,
  value,
  onChange,
  options,
  ...select
}: {
  label: string;
  hint?: string;
  value: V;
  onChange(value: NoInfer<V>): void;
  options: readonly { value: V; label: string }[];
} & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id' | 'value' | 'onChange'>) {
  return (
    <Field label={label} hint={hint}>
      {({ id, describedBy }) => (
        <select
          id={id}
          aria-describedby={describedBy}
          {...select}
          value={value}
          onChange={(e) => {
            const chosen = options.find((o) => String(o.value) === e.target.value);
            if (chosen) onChange(chosen.value);
          }}
        >
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** One of the staff roles (people and API keys have the same four). */
export function RoleField(props: { label: string; value: StaffRole; onChange(role: StaffRole): void }) {
  const { t } = useTranslation();
  return (
    <SelectField {...props} name="role" options={STAFF_ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))} />
  );
}

/** A labelled checkbox. */
export function CheckField(props: {
  label: ReactNode;
  checked: boolean;
  onChange(checked: boolean): void;
  name?: string;
  testId?: string;
  disabled?: boolean;
}) {
  return (
    <label className="check">
      <input
        type="checkbox"
        name={props.name}
        checked={props.checked}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.target.checked)}
        data-testid={props.testId}
      />
      {props.label}
    </label>
  );
}

/** One choice of a few, as radio buttons under a legend (`testId`-`value` on each). */
export function RadioGroup<V extends string>(props: {
  legend: string;
  name: string;
  value: V;
  onChange(value: NoInfer<V>): void;
  options: readonly { value: V; label: ReactNode }[];
  testId?: string;
  /** One under another (a narrow dialog). */
  stacked?: boolean;
}) {
  return (
    <fieldset className={props.stacked ? 'choices' : undefined}>
      <legend>{props.legend}</legend>
      {props.options.map((o) => (
        <label key={o.value} className="check">
          <input
            type="radio"
            name={props.name}
            value={o.value}
            checked={props.value === o.value}
            onChange={() => props.onChange(o.value)}
            data-testid={props.testId ? `${props.testId}-${o.value}` : undefined}
          />
          {o.label}
        </label>
      ))}
    </fieldset>
  );
}
