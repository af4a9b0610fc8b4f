import { alarmOf, emergencyLevel } from './level';

describe("an emergency's sound level", () => {
  it("puts an alerting system's (CAP), JMA's and any EEW above the city's own", () => {
    expect(emergencyLevel({ source: 'console' })).toBe('city');
    expect(emergencyLevel({})).toBe('city');
    expect(emergencyLevel({ source: 'cap' })).toBe('national');
    // An intensity ≥ 5弱 or a tsunami warning from JMA has no EEW chime, but is still national.
    expect(emergencyLevel({ source: 'jma' })).toBe('national');
    expect(emergencyLevel({ source: 'console', tone: 'eew' })).toBe('national');
  });

  it('starts an EEW with its own chime and every other emergency with the alarm', () => {
    expect(alarmOf({ tone: 'eew' })).toBe('eew');
    expect(alarmOf({})).toBe('alarm');
  });
});
