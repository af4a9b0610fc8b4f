/**
 * Japanese catalogue: the terminal's first language and the reference shape for every other
 * catalogue. Short sentences, everyday words, what to do next.
 */
export const ja = {
  app: {
    name: 'つなぐ',
    loading: '準備しています。しばらくお待ちください。',
  },
  common: {
    back: 'もどる',
    next: 'つぎへ',
    preparing: 'このサービスは、いま準備中です。使えるようになったら、お知らせします。',
    preparingTitle: '準備中です',
    callCityHall: 'わからないときは、市役所に電話してください。',
    callCityHall_withPhone: 'わからないときは、市役所（{{phone}}）に電話してください。',
  },
  enrollment: {
    title: 'はじめの設定',
    instruction: '市役所からお知らせした8けたの番号を、数字のボタンで入れてください。',
    codeLabel: '入れた番号',
    codeProgress: '{{count}}けたのうち、{{entered}}けた入れました',
    connect: 'つなぐ',
    delete: '1つ消す',
    connecting: 'つないでいます。しばらくお待ちください。',
    incomplete: '番号は8けたです。のこりの数字を入れてから「つなぐ」を押してください。',
    success: 'つながりました。ホーム画面を出します。',
    spokenStart: 'はじめの設定です。市役所からお知らせした8けたの番号を入れてください。',
    errors: {
      invalid: '番号がちがうようです。番号をもう一度確かめて、入れ直してください。',
      expired: 'この番号は使える期限が切れています。市役所に電話して、新しい番号をもらってください。',
      used: 'この番号はもう使われています。市役所に電話して、新しい番号をもらってください。',
      rateLimited: '何回もまちがえたので、少し休んでいます。5分ほど待ってから、もう一度入れてください。',
      network: '市役所とつながりませんでした。少し待ってから、もう一度「つなぐ」を押してください。',
      unknown: 'うまくいきませんでした。もう一度「つなぐ」を押してください。',
    },
  },
  home: {
    title: 'ホーム',
    greeting: '{{name}}さん、こんにちは',
    checkin: '元気です',
    listening: '話し相手',
    announcements: 'お知らせ',
    shopping: 'お買い物',
    unread: '新しいお知らせ {{count}}件',
    spoken: 'ホーム画面です。',
  },
  shops: {
    title: 'お店をえらぶ',
    page: '{{total}}ページのうち {{page}}ページめ',
    spoken: 'お店をえらんでください。',
  },
  checkin: {
    title: '元気です',
    spoken: '元気ですか。元気なら、緑の「元気です」を押してください。',
    prompt: '今日も元気なら、「元気です」を押してください。',
    alreadyToday: '今日の「元気です」は、もう届いています。',
    button: '元気です',
    moodTitle: '今日の気分は？',
    moodSpoken: 'ありがとうございます。よろしければ、今日の気分をえらんでください。',
    moodGood: 'よい',
    moodSoSo: 'ふつう',
    moodNotGood: 'よくない',
    moodSkip: 'えらばない',
    thanksTitle: 'ありがとうございます',
    thanks: '「元気です」を受け取りました。',
    thanksSpoken: 'ありがとうございます。「元気です」を受け取りました。',
    queued: 'いまは つながっていません。つながったら、自動で届けます。',
    queuedSpoken: 'ありがとうございます。いまは つながっていないので、つながったら届けます。',
    home: 'ホームへ',
    reminderSpoken: '今日の「元気です」がまだです。元気なら、ボタンを押してください。',
    deadlineSpoken: '今日の「元気です」が、まだ届いていません。ホームの「元気です」を押してください。',
  },
  call: {
    titleShop: '{{name}}に電話',
    titleListening: '話し相手',
    spoken: '{{name}}の画面です。このサービスは、いま準備中です。',
  },
  announcements: {
    title: 'お知らせ',
    spoken: 'お知らせの画面です。このサービスは、いま準備中です。',
  },
  offline: {
    title: 'つながっていません',
    body: 'ただいま市役所とつながっていません。自動でつなぎ直しています。',
    whatToDo: 'しばらく待っても直らないときは、電源を入れ直してください。',
    reconnected: 'つながりました。',
    connectingTitle: 'つないでいます',
    connectingBody: '市役所とつないでいます。しばらくお待ちください。',
    outdatedTitle: '新しくする必要があります',
    outdatedBody: 'この端末のソフトウェアが古くなっています。市役所に電話して、新しくしてもらってください。',
  },
} as const;

type Widen<T> = { -readonly [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
/** Every catalogue has exactly this shape; the compiler checks en against it. */
export type Catalogue = Widen<typeof ja>;
