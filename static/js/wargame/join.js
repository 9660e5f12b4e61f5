// A join link carries its code after "#" (/join/#code=ABCDE-FGHJK): a browser never sends the
// fragment, so the code stays out of the server's and the proxy's access logs. The page fills
// the code field from it and drops it from the address bar and the history.

export function fillJoinCode(root) {
  const field = root.querySelector("#id_code");
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const code = fragment.get("code");
  if (!field || !code) return;
  if (!field.value) field.value = code;
  history.replaceState(null, "", window.location.pathname + window.location.search);
  root.querySelector("#id_display_name")?.focus();
}
