/**
 * Right after signing in, for city hall staff who must have two-factor sign-in and have not set it
 * up yet (the hub refuses everything else until they have): the set-up, on its own page.
 */
import { useTranslation } from 'react-i18next';
import type { ApiClient } from '../../api/client';
import { LoginCard } from '../../shell/LoginCard';
import { Button } from '../../shell/ui';
import { TwoFactorEnrol } from './TwoFactorEnrol';

export function TwoFactorRequiredPage(props: { api: ApiClient; onEnabled(): void; onSignOut(): void }) {
  const { t } = useTranslation();
  return (
    <LoginCard testId="two-factor-required" wide>
      <h2>{t('twoFactor.setupTitle')}</h2>
      <p>{t('twoFactor.requiredIntro')}</p>
      <p>{t('twoFactor.intro')}</p>
      <TwoFactorEnrol api={props.api} onEnabled={props.onEnabled} />
      <p>
        <Button look="quiet" onClick={props.onSignOut}>
          {t('shell.logout')}
        </Button>
      </p>
    </LoginCard>
  );
}
