// An optional sound for news (a published outcome, a new inject): off until the player turns it
// on, remembered in this browser. The tone is made with WebAudio, so there is no file to fetch;
// the banner and toasts (live regions) still say what happened, sound or not.

const KEY = "wargame:sound";
const TONE_SECONDS = 0.35;
let audio = null;

export const soundOn = () => localStorage.getItem(KEY) === "on";

export function chime(frequency = 660) {
  if (!soundOn()) return false;
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return false;
  audio = audio || new Context();
  // A context made before any gesture starts suspended; the page's first click or key wakes it.
  if (audio.state === "suspended") audio.resume();
  const now = audio.currentTime;
  const oscillator = audio.createOscillator();
  const gain = audio.createGain();
  oscillator.type = "sine";
  oscillator.frequency.setValueAtTime(frequency, now);
  // A soft attack and decay: a chime, not a click.
  gain.gain.setValueAtTime(0.0001, now);
  gain.gain.exponentialRampToValueAtTime(0.2, now + 0.02);
  gain.gain.exponentialRampToValueAtTime(0.0001, now + TONE_SECONDS);
  oscillator.connect(gain).connect(audio.destination);
  oscillator.start(now);
  oscillator.stop(now + TONE_SECONDS);
  return true;
}

export function startSound() {
  const toggle = document.querySelector("[data-sound-toggle]");
  if (!toggle) return;
  toggle.checked = soundOn();
  toggle.addEventListener("change", () => {
    localStorage.setItem(KEY, toggle.checked ? "on" : "off");
    // Browsers start audio only after a gesture: this change is one, so the test tone plays.
    if (toggle.checked) chime();
  });
}
