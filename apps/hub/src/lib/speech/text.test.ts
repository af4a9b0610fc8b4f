import { applyReadings, normalizeJapanese, speechInput, spokenScript } from './text';

describe('spoken script', () => {
  const a = { kind: 'emergency' as const, test: false, title: '避難指示', body: '直ちに避難してください' };

  it('says an emergency is one, and a drill is a drill first and last', () => {
    expect(spokenScript(a, 'ja')).toBe('緊急のお知らせです。避難指示。直ちに避難してください。');
    expect(spokenScript({ ...a, test: true }, 'ja')).toBe(
      'これは訓練です。緊急のお知らせです。避難指示。直ちに避難してください。これは訓練です。',
    );
    expect(spokenScript({ ...a, kind: 'routine', title: 'Water', body: 'No water today.' }, 'en')).toBe(
      'Water.  No water today.',
    );
  });

  it("applies city hall's readings, longest first, and the built-in ones", () => {
    expect(
      applyReadings('上野原と上野', [
        { text: '上野', reading: 'うえの' },
        { text: '上野原', reading: 'うえのはら' },
      ]),
    ).toBe('うえのはらとうえの');
    expect(applyReadings('a.b', [{ text: '.', reading: 'ドット' }])).toBe('aドットb');
    expect(speechInput({ ...a, kind: 'routine', title: '大字上野の断水', body: '' }, 'ja')).toBe(
      'おおあざ上野の断水。',
    );
  });

  it('writes out times, dates and minus temperatures the engine would read as bare numbers', () => {
    expect(normalizeJapanese('10:30に避難所を開設')).toBe('10時30分に避難所を開設');
    expect(normalizeJapanese('７:０５から、12/3（水）まで')).toBe('7時5分から、12月3日（水）まで');
    expect(normalizeJapanese('14:00 開始')).toBe('14時 開始');
    expect(normalizeJapanese('気温は-3℃')).toBe('気温はマイナス3℃');
    // Not times or dates: scores, fractions of larger numbers, phone numbers.
    expect(normalizeJapanese('25:61 と 2026/12/03 と 090-1234-5678')).toBe('25:61 と 2026/12/03 と 090-1234-5678');
  });
});
