// The screens after home, in one chunk (screens.tsx loads it on demand): one file to fetch instead
// of one per screen plus the small chunks esbuild makes for what each pair of them shares, which
// were requests on the first screen's path (issue 17). Enrollment, the first screen of a terminal
// not yet enrolled, and the call's media stay on their own.
export { AnnouncementsScreen } from '../features/announcements/AnnouncementsScreen';
export { CallScreen } from '../features/calls/CallScreen';
export { CheckinScreen } from '../features/checkin/CheckinScreen';
export { HelpScreen } from '../features/help/HelpScreen';
export { ShopChooserScreen } from '../features/shops/ShopChooserScreen';
