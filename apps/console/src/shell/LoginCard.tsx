/** The card a person sees before the console opens (sign-in, setting up two-factor): the app's name and the language switch on top. */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from './LanguageSwitch';

export function LoginCard(props: { testId: string; wide?: boolean; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="login-page">
      <main className={props.wide ? 'login-card login-card-wide' : 'login-card'} id="main" data-testid={props.testId}>
        <div className="login-top">
          <h1>{t('app.name')}</h1>
          <LanguageSwitch />
        </div>
        {props.children}
      </main>
    </div>
  );
}
