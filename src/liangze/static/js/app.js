// Small progressive enhancements; every page works without them.
document.addEventListener("submit", (event) => {
  const form = event.target;
  // A button that only reads (printing stickers) skips its form's question.
  const question = event.submitter?.hasAttribute("data-no-confirm") ? "" : form.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
