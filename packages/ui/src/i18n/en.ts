import type { Catalogue } from './ja';

/** English catalogue, for households whose profile says `language: 'en'`. */
export const en: Catalogue = {
  app: {
    name: 'Tsunagu',
    loading: 'Getting ready. Please wait a moment.',
  },
  common: {
    back: 'Back',
    next: 'Next',
    preparing: 'This service is being prepared. We will let you know when you can use it.',
    preparingTitle: 'Coming soon',
    callCityHall: 'If you are not sure, please call City Hall.',
    callCityHall_withPhone: 'If you are not sure, please call City Hall ({{phone}}).',
  },
  enrollment: {
    title: 'First-time setup',
    instruction: 'Please enter the 8-digit number City Hall gave you, using the number buttons.',
    codeLabel: 'Number entered',
    codeProgress: '{{entered}} of {{count}} digits entered',
    connect: 'Connect',
    delete: 'Delete one',
    connecting: 'Connecting. Please wait a moment.',
    incomplete: 'The number has 8 digits. Enter the rest, then press "Connect".',
    success: 'Connected. Showing the home screen.',
    spokenStart: 'First-time setup. Please enter the 8-digit number City Hall gave you.',
    errors: {
      invalid: 'That number does not seem right. Please check the number and enter it again.',
      expired: 'This number has expired. Please call City Hall for a new number.',
      used: 'This number has already been used. Please call City Hall for a new number.',
      rateLimited: 'Too many tries. Please wait about 5 minutes, then enter the number again.',
      network: 'Could not reach City Hall. Please wait a little, then press "Connect" again.',
      unknown: 'Something went wrong. Please press "Connect" again.',
    },
  },
  home: {
    title: 'Home',
    greeting: 'Hello, {{name}}',
    checkin: "I'm fine",
    listening: 'Someone to talk to',
    announcements: 'News',
    shopping: 'Shopping',
    unread: '{{count}} new messages',
    spoken: 'Home screen.',
  },
  shops: {
    title: 'Choose a shop',
    page: 'Page {{page}} of {{total}}',
    spoken: 'Please choose a shop.',
  },
  checkin: {
    title: "I'm fine",
    spoken: '"I\'m fine" screen. This service is being prepared.',
  },
  call: {
    titleShop: 'Call {{name}}',
    titleListening: 'Someone to talk to',
    spoken: '{{name}} screen. This service is being prepared.',
  },
  announcements: {
    title: 'News',
    spoken: 'News screen. This service is being prepared.',
  },
  offline: {
    title: 'Not connected',
    body: 'We are not connected to City Hall right now. Reconnecting automatically.',
    whatToDo: 'If this does not fix itself after a while, please turn the power off and on again.',
    reconnected: 'Connected again.',
    connectingTitle: 'Connecting',
    connectingBody: 'Connecting to City Hall. Please wait a moment.',
    outdatedTitle: 'Update needed',
    outdatedBody: "This terminal's software is out of date. Please call City Hall to have it updated.",
  },
};
