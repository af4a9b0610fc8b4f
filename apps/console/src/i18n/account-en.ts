/** Console catalogue, the account page and two-step sign-in (English, same keys as account-ja.ts). */
import type { accountJa } from './account-ja';

export const accountEn: typeof accountJa = {
  account: {
    title: 'Account',
    profile: 'Signed in as',
    changePassword: 'Change password',
    current: 'Current password',
    next: 'New password',
    nextHint: 'At least 10 characters. A long phrase works well.',
    confirm: 'New password (again)',
    mismatch: 'The two new passwords differ. Type the same one twice.',
    tooShort: 'The new password needs at least 10 characters.',
    submit: 'Change password',
    done: 'Your password was changed. Sign-ins on other devices were ended.',
  },
  twoFactor: {
    title: 'Two-step sign-in',
    intro:
      'When you sign in, you type your password and the 6-digit number your phone’s authenticator app (Google Authenticator, Microsoft Authenticator…) shows. Someone who learns your password still cannot sign in.',
    requiredIntro:
      'City hall staff can send emergency alerts to the whole city, so they need two-step sign-in. Set it up first; then the console opens as usual.',
    setupTitle: 'Set up two-step sign-in',
    enable: 'Set up two-step sign-in',
    start: 'Start',
    step1: '1. Scan this QR code with your phone’s authenticator app.',
    qrAlt: 'QR code to scan with the authenticator app',
    manual: 'If it will not scan, type this key into the app:',
    step2: '2. Type the 6-digit number the app shows.',
    code: 'Verification code (6 digits)',
    confirm: 'Check and turn on',
    recoveryTitle: 'Recovery codes',
    recoveryIntro:
      'Use one instead of a verification code if your phone is lost. Each works once. Print or copy them and keep them locked away: they are not shown again once you leave this screen.',
    print: 'Print',
    recoveryDone: 'I have kept them',
    statusOn: 'On ({{count}} recovery codes left)',
    statusOff: 'Not set up yet.',
    renew: 'New recovery codes',
    renewHint: 'The current recovery codes stop working. Type the 6-digit number your authenticator app shows.',
    renewedDone: 'New recovery codes were made.',
    disable: 'Turn off two-step sign-in',
    disableHint: 'Type your password to confirm.',
    disabledDone: 'Two-step sign-in is off.',
    enabledDone: 'Two-step sign-in is on. From your next sign-in you will need a verification code.',
    requiredNote:
      'City hall staff cannot turn two-step sign-in off. If your phone is lost, sign in with a recovery code or ask an administrator to reset it.',
  },
};
