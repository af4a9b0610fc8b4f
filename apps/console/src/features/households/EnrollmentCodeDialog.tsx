/**
 * The enrollment code for a household's terminal, as the installer needs it: the household's name,
 * address and district beside the code, and a label to print and stick on the terminal's box.
 */
import type { EnrollmentCodeIssued, Household } from '@tsunagu/protocol';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../i18n/i18n';
import { Button, ErrorMessage, Modal } from '../../shell/ui';
import { useHouseholdMessages } from './messages';

/** Printing the dialog prints the label only (name, address, code, expiry), not the page behind. */
const PRINT_ONLY_LABEL = `@media print {
  body { visibility: hidden; }
  .print-label { visibility: visible; position: fixed; inset: 0; padding: 1cm; }
}`;

export function EnrollmentCodeDialog(props: {
  household: Household;
  district: string;
  issued: EnrollmentCodeIssued | null;
  error: unknown;
  language: string;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const th = useHouseholdMessages();
  const { issued, household } = props;
  return (
    <Modal
      title={t('enrollment.title')}
      onClose={props.onClose}
      testId="enrollment-dialog"
      actions={
        issued ? (
          <Button onClick={() => window.print()} testId="print-label">
            {th('household.label.print')}
          </Button>
        ) : null
      }
    >
      <style>{PRINT_ONLY_LABEL}</style>
      <ErrorMessage error={props.error} />
      <div className="print-label" data-testid="enrollment-label">
        <p className="cell-title">{t('enrollment.for', { name: household.name })}</p>
        <p data-testid="enrollment-address">
          {th('household.label.address', { address: household.address, district: props.district })}
        </p>
        {issued ? (
          <>
            <p className="code-label">{t('enrollment.codeLabel')}</p>
            {/* Digits read one by one by screen readers; shown in two groups of four for reading aloud over the phone. */}
            <p className="enrollment-code" data-testid="enrollment-code" data-code={issued.code}>
              <span aria-hidden="true">{issued.code.slice(0, 4)}</span>
              <span aria-hidden="true">{issued.code.slice(4)}</span>
              <span className="visually-hidden">{issued.code.split('').join(' ')}</span>
            </p>
            <p data-testid="enrollment-expiry">
              {t('enrollment.expires', { at: formatDateTime(issued.expiresAt, props.language) })}
            </p>
            <p>{t('enrollment.howTo')}</p>
          </>
        ) : props.error ? null : (
          <p role="status">{t('app.loading')}</p>
        )}
      </div>
    </Modal>
  );
}
