// Phones: the room as four tabs (situation, decide, channels, statements). The tab bar's links
// work without this module: they jump down the one long page. With it, a narrow screen shows one
// tab's sections at a time (room.css decides what "narrow" is); the address's fragment names the
// tab, so a reload or a link to #decision opens the right one.

function tabOf(hash) {
  if (!hash || hash.length < 2) return "";
  const target = document.getElementById(decodeURIComponent(hash.slice(1)));
  return target?.closest("[data-tab-panel]")?.dataset.tabPanel || "";
}

export function startTabs() {
  const room = document.querySelector("[data-testid='room']");
  const nav = document.querySelector("[data-room-tabs]");
  if (!room || !nav) return;
  const links = [...nav.querySelectorAll("a[data-tab]")];
  const select = (name) => {
    room.dataset.tab = name;
    for (const link of links) {
      if (link.dataset.tab === name) link.setAttribute("aria-current", "true");
      else link.removeAttribute("aria-current");
    }
    room.dispatchEvent(new CustomEvent("wargame:tab", { bubbles: true, detail: name }));
  };
  select(tabOf(window.location.hash) || "situation");
  // Chosen before the browser follows the link, so it scrolls to a section that is shown.
  nav.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-tab]");
    if (link) select(link.dataset.tab);
  });
  window.addEventListener("hashchange", () => {
    const name = tabOf(window.location.hash);
    if (name) select(name);
  });
}
