// The few ways a terminal screen or overlay ends in big buttons, each laid out the same everywhere:
// a question's yes (coloured, left) and no (red, with the back arrow, right); a single OK; a
// screen's one action beside the way back. Focus order follows the reading order.

import { BigButton, type BigButtonProps, ButtonGrid, type IconName } from '@tsunagu/ui';
import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';

/** What a choice's button says and does; its look comes from its place in the choice. */
export interface Answer {
  label: string;
  onPress: () => void;
  testId: string;
}

/** Inside `className`'s row (an overlay's own layout), or else in the screen's two-column grid. */
function Row({ className, children }: { className?: string; children: ReactElement[] }): ReactElement {
  return className ? <div className={className}>{children}</div> : <ButtonGrid columns={2}>{children}</ButtonGrid>;
}

/** A question's two answers: yes in green with its own icon, no in red with the back arrow. */
export function YesOrNo({
  yes,
  no,
  className,
}: {
  yes: Answer & { icon: IconName };
  no: Answer;
  className?: string;
}): ReactElement {
  return (
    <Row className={className}>
      <BigButton {...yes} variant="positive" />
      <BigButton {...no} icon="back" variant="danger" />
    </Row>
  );
}

/** The one button left when there is nothing to decide: a tick that closes what is shown. */
export function OkButton({ className, ...ok }: Answer & { className: string }): ReactElement {
  return (
    <div className={className}>
      <BigButton {...ok} icon="check" variant="primary" />
    </div>
  );
}

/** A screen's one action beside the way back (「もどる」, where it is on every screen). */
export function ActionOrBack({ action, onBack }: { action: BigButtonProps; onBack: () => void }): ReactElement {
  const { t } = useTranslation();
  return (
    <Row>
      <BigButton {...action} />
      <BigButton icon="back" label={t('common.back')} variant="neutral" onPress={onBack} testId="back" />
    </Row>
  );
}
