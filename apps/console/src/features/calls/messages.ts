/**
 * Words for every conversation counting (issue 16): the note and concern after a call, and planned
 * listening calls. Japanese first, English second, added to the console's i18n when a page needs them.
 */
import { usePageWords } from '../../i18n/catalogue';

export const talkJa = {
  note: {
    title: '{{household}} さんとの通話のメモ',
    intro: '話していて気づいたことを書いてください。見守り担当の方と市役所だけが読みます（ほかのお店には見えません）。',
    text: 'どんな様子でしたか',
    textHint: '例：咳が続いていて、食欲がないそうです',
    concern: '見守り担当の方に知らせますか',
    concerns: {
      none: '知らせない（メモだけ残す）',
      worried: '気になる',
      visit: '訪問してほしい',
      urgent: '急いで対応してほしい',
    },
    save: 'メモを残す',
    skip: '今回は書かない',
    saved: 'メモを残しました。',
    savedConcern: 'メモを残し、見守り担当の方に知らせました。',
    empty: '様子を一言書いてください。',
  },
  notes: {
    title: '通話のメモ',
    none: 'まだ通話のメモはありません。',
    by: '{{shop}}・{{author}}',
    fromCall: '通話での様子',
    fromDelivery: '配達時の様子',
  },
  errors: {
    CALL_NOTE_EXISTS: 'この通話のメモはもう残されています。',
    CALL_NOT_ENDED: '通話が終わってから書いてください。',
    CALL_NOT_ANSWERED: 'つながらなかった通話には、メモを残せません。',
    NOT_CALL_PARTY: 'この通話に出た人だけがメモを書けます。',
  },
};

type Strings<T> = { [K in keyof T]: T[K] extends string ? string : Strings<T[K]> };

export const talkEn: Strings<typeof talkJa> = {
  note: {
    title: 'Note on the call with {{household}}',
    intro: "Write what you noticed. Only the household's watchers and city hall read it (other shops do not see it).",
    text: 'How did the resident seem?',
    textHint: 'e.g. She still has a cough and has no appetite',
    concern: 'Tell the watchers?',
    concerns: {
      none: 'No (just keep the note)',
      worried: 'Worried',
      visit: 'Please visit',
      urgent: 'Urgent',
    },
    save: 'Save the note',
    skip: 'Not this time',
    saved: 'Note saved.',
    savedConcern: 'Note saved, and the watchers were told.',
    empty: 'Write a few words about how the resident seemed.',
  },
  notes: {
    title: 'Call notes',
    none: 'No call notes yet.',
    by: '{{shop}} · {{author}}',
    fromCall: 'On the phone',
    fromDelivery: 'At the delivery',
  },
  errors: {
    CALL_NOTE_EXISTS: 'This call already has a note.',
    CALL_NOT_ENDED: 'Write the note once the call has ended.',
    CALL_NOT_ANSWERED: 'A call nobody answered cannot have a note.',
    NOT_CALL_PARTY: 'Only the person who took this call can write its note.',
  },
};

/** Adds these words to the console's catalogues (once). */
export function useTalkMessages() {
  const { t, i18n } = usePageWords({ talk: talkJa }, { talk: talkEn }, 'talk.note.title');
  return { t, language: i18n.language };
}

/** An error in words: this feature's own codes first, else the console's (ErrorMessage). */
export function talkError(t: (key: string) => string, err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code in talkJa.errors ? t(`talk.errors.${code}`) : err;
}
