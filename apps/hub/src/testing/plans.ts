/** A check-in plan as city hall saves it (PUT /api/watch/plans/:householdId): weekdays, a 09:00 deadline. */
export const WEEKDAY_PLAN = {
  enabled: true,
  opensAt: '00:00',
  deadline: '09:00',
  days: [1, 2, 3, 4, 5],
  reminderMinutes: [30],
  graceMinutes: 15,
  ackTimeoutMinutes: 30,
  signsOfLife: ['checkin', 'call'],
  offlineAlertMinutes: 120,
};
