// Small progressive enhancements; every page works without them.
document.addEventListener("submit", (event) => {
  const form = event.target;
  // A button that only reads (printing stickers) skips its form's question.
  const question = event.submitter?.hasAttribute("data-no-confirm") ? "" : form.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// Division picker: the search box swaps the select's options. Keep the chosen division when it
// is still among them; otherwise the select now shows another one, so say it changed: a filter
// form applies it at once, as it does for any other choice (a phone's select fires no change
// for the option already shown, so the user could not apply it by choosing it).
document.addEventListener("htmx:beforeSwap", (event) => {
  const select = event.detail.target;
  if (select instanceof HTMLSelectElement && select.closest(".picker")) {
    select.dataset.before = select.value;
  }
});
document.addEventListener("htmx:afterSwap", (event) => {
  const select = event.detail.target;
  if (!(select instanceof HTMLSelectElement) || !select.closest(".picker")) {
    return;
  }
  const before = select.dataset.before || "";
  delete select.dataset.before;
  if ([...select.options].some((option) => option.value === before)) {
    select.value = before;
  }
  if (select.value !== before) {
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }
});

// Logging out clears the pages the visits' service worker kept for offline use (they hold
// personal data), never the visits waiting in the outbox (IndexedDB, kept per account):
// docs/architecture.md#the-visit-form. Done before the logout is sent, and again on any page
// shown while logged out, in case the first was cut short.
function clearKeptPages() {
  if (!("caches" in window)) {
    return Promise.resolve();
  }
  return caches
    .keys()
    .then((names) =>
      Promise.all(names.filter((n) => n.startsWith("liangze-")).map((n) => caches.delete(n))),
    )
    .catch(() => {});
}
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches("form.logout") || form.dataset.cleared) {
    return;
  }
  event.preventDefault();
  clearKeptPages().then(() => {
    form.dataset.cleared = "1";
    form.requestSubmit();
  });
});
document.addEventListener("DOMContentLoaded", () => {
  if (!document.querySelector("form.logout")) {
    clearKeptPages();
  }
});
