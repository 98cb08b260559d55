// The print sheet's button (businesses/qr_sheet.html). A file, not inline script: CSP forbids it.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
