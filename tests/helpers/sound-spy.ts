// What the terminal page sounds like, for browser tests: headless Chromium has no speech voices, so a
// fake engine records each sentence (`__spoken`); each audio clip played (`__clips`) and heard to the
// end (`__clipsEnded`) is recorded too, and when the emergency screen first appears (`__emergencyAt`).
// Passed to the page as an init script (it runs in the page, so it must be self-contained).
export const SOUND_SPY = () => {
  const w = window as unknown as {
    __spoken: string[];
    __clips: string[];
    __clipsEnded: string[];
    __emergencyAt: number;
  };
  w.__spoken = [];
  w.__clips = [];
  w.__clipsEnded = [];
  const voice = { lang: 'ja-JP', localService: true, name: 'test-ja', default: true, voiceURI: 'test-ja' };
  class Utterance {
    lang = '';
    voice: unknown = null;
    rate = 1;
    constructor(public text: string) {}
  }
  Object.defineProperty(window, 'SpeechSynthesisUtterance', { value: Utterance, configurable: true, writable: true });
  const synth = window.speechSynthesis;
  synth.getVoices = () => [voice] as unknown as SpeechSynthesisVoice[];
  synth.speak = (u: SpeechSynthesisUtterance) => void w.__spoken.push(u.text);
  synth.cancel = () => undefined;
  const play = HTMLMediaElement.prototype.play;
  HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
    w.__clips.push(this.src);
    this.addEventListener('ended', () => w.__clipsEnded.push(this.src), { once: true });
    return play.call(this);
  };
  new MutationObserver((_m, observer) => {
    if (document.querySelector('[data-testid="emergency-screen"]')) {
      w.__emergencyAt = Date.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
};
