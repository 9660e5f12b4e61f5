// The team room: the shared decision draft, unread marks, channel switching, practice pacing,
// the tabs on phones and the optional sound for news.
// Regions, API forms and clocks are started by base.js; this adds what only the room needs.
import { startDecision } from "./room/decision.js";
import { startFeeds } from "./room/feeds.js";
import { startNotices } from "./room/notices.js";
import { startPractice } from "./room/practice.js";
import { startSound } from "./room/sound.js";
import { startTabs } from "./room/tabs.js";

function confirmPlainForms() {
  // API forms confirm in forms.js; ordinary forms (Leave) ask here.
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (form.matches("[data-api], [data-decision-form]")) return;
      const question = event.submitter?.dataset.confirm || form.dataset.confirm;
      if (question && !window.confirm(question)) event.preventDefault();
    },
    true,
  );
}

function watchSeat() {
  document.addEventListener("wargame:closed", (event) => {
    const room = document.querySelector("[data-testid='room']");
    const notice = document.querySelector("[data-seat-closed]");
    if (room && notice && event.detail === 4403) notice.hidden = false;
  });
}

function start() {
  confirmPlainForms();
  watchSeat();
  startDecision();
  // The tab first: what feeds.js marks read depends on what the phone shows.
  startTabs();
  startFeeds();
  startPractice();
  startNotices();
  startSound();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
