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
  plans: {
    title: '予定の電話',
    intro:
      '決まった曜日と時刻に、話し相手の電話をかける予定です。その時刻になると、電話の画面に「予定の電話」が出ます。電話に出られなかったときは、見守り担当の方に知らせます。',
    add: '予定を追加',
    addTitle: '予定の電話を追加',
    editTitle: '{{household}} さんへの予定の電話',
    resident: '電話する相手',
    residentHint: '電話したことのある方から選びます。',
    noResidents: '選べる方がいません。',
    line: '電話をかける窓口',
    weekdays: '曜日',
    time: '時刻',
    note: 'メモ',
    noteHint: '例：お孫さんの話をよくされます',
    save: '保存する',
    saved: '予定を保存しました。',
    when: '毎週{{days}} {{time}}',
    next: '次回 {{time}}',
    none: 'まだ予定はありません。',
    edit: '変更',
    remove: '削除',
    removeTitle: '予定を削除しますか？',
    removeBody: '{{household}} さんへの予定の電話（{{when}}）を削除します。',
    removed: '予定を削除しました。',
    noWeekday: '曜日を1つ以上選んでください。',
    last: '前回',
    /** Sunday first, comma-separated. */
    days: '日,月,火,水,木,金,土',
    states: {
      due: 'かける時刻です',
      ringing: '呼び出し中',
      answered: 'お話ししました',
      declined: '今は出られないとのこと',
      missed: '出られませんでした（見守り担当に連絡）',
      lapsed: 'かけられませんでした',
    },
  },
  due: {
    title: '予定の電話',
    item: '{{household}} さん（{{time}} の予定）',
    ring: '電話をかける',
  },
  errors: {
    CALL_NOTE_EXISTS: 'この通話のメモはもう残されています。',
    CALL_NOT_ENDED: '通話が終わってから書いてください。',
    CALL_NOT_ANSWERED: 'つながらなかった通話には、メモを残せません。',
    NOT_CALL_PARTY: 'この通話に出た人だけがメモを書けます。',
    SCHEDULED_CALL_NOT_DUE: 'この予定の電話は、もうかけたか、時間が過ぎています。',
    NOT_A_LISTENING_LINE: '予定の電話は、話し相手の窓口からかけます。窓口を選び直してください。',
    NO_TERMINAL: 'この方の家には端末がありません。',
    ALREADY_IN_CALL: 'この方はいま別の電話に出ています。少し待ってから、もう一度かけてください。',
    OPERATOR_BUSY: 'いまの電話を終えてから、かけてください。',
  },
};

export const talkEn: typeof talkJa = {
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
  plans: {
    title: 'Planned calls',
    intro:
      'Calls the listening line makes on set weekdays at a set time. At that time the call shows on the calls page; if the resident does not answer, their watchers are told.',
    add: 'Add a planned call',
    addTitle: 'Add a planned call',
    editTitle: 'Planned call to {{household}}',
    resident: 'Who to call',
    residentHint: 'Choose from the people the line has spoken with.',
    noResidents: 'Nobody to choose yet.',
    line: 'Listening line',
    weekdays: 'Weekdays',
    time: 'Time',
    note: 'Note',
    noteHint: 'e.g. Likes to talk about her grandchildren',
    save: 'Save',
    saved: 'Planned call saved.',
    when: 'every {{days}} at {{time}}',
    next: 'next {{time}}',
    none: 'No planned calls yet.',
    edit: 'Edit',
    remove: 'Delete',
    removeTitle: 'Delete this planned call?',
    removeBody: 'The planned call to {{household}} ({{when}}) will be deleted.',
    removed: 'Planned call deleted.',
    noWeekday: 'Choose at least one weekday.',
    last: 'Last time',
    days: 'Sun,Mon,Tue,Wed,Thu,Fri,Sat',
    states: {
      due: 'time to call',
      ringing: 'ringing',
      answered: 'talked',
      declined: 'could not talk now',
      missed: 'did not answer (watchers told)',
      lapsed: 'not called',
    },
  },
  due: {
    title: 'Planned calls',
    item: '{{household}} (planned for {{time}})',
    ring: 'Call now',
  },
  errors: {
    CALL_NOTE_EXISTS: 'This call already has a note.',
    CALL_NOT_ENDED: 'Write the note once the call has ended.',
    CALL_NOT_ANSWERED: 'A call nobody answered cannot have a note.',
    NOT_CALL_PARTY: 'Only the person who took this call can write its note.',
    SCHEDULED_CALL_NOT_DUE: 'This planned call was already made, or its time has passed.',
    NOT_A_LISTENING_LINE: 'Planned calls are made by a listening line. Choose the line again.',
    NO_TERMINAL: 'This household has no terminal.',
    ALREADY_IN_CALL: 'The resident is on another call. Wait a little and call again.',
    OPERATOR_BUSY: 'Finish your current call first.',
  },
};

/** Adds these words to the console's catalogues (once). */
export function useTalkMessages() {
  return usePageWords({ talk: talkJa }, { talk: talkEn }, 'talk.note.title');
}

/** An error in words: this feature's own codes first, else the console's (ErrorMessage). */
export function talkError(t: (key: string) => string, err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code in talkJa.errors ? t(`talk.errors.${code}`) : err;
}
