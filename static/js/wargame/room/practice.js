// A practice game has no control: its player paces it. While the AI umpire works out a turn,
// nothing reaches the team's stream, so the bar looks again every few seconds.
import { refreshRegion } from "../live.js";

const POLL_MS = 4000;
const bar = () => document.querySelector("[data-testid='practice-bar']");

export function startPractice() {
  if (!bar()) return;
  setInterval(() => {
    const region = bar();
    if (region?.querySelector("[data-practice][data-poll='true']")) refreshRegion(region);
  }, POLL_MS);
  document.addEventListener("api:error", (event) => {
    const region = bar();
    if (region && region.contains(event.target)) refreshRegion(region);
  });
  document.addEventListener("api:ok", (event) => {
    const region = bar();
    if (region && region.contains(event.target)) refreshRegion(region);
  });
}
