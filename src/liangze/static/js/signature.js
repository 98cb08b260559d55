// Binds the vendored signature_pad library to each <canvas data-signature-pad> in a form.
// A file, not inline script: CSP forbids inline script. Load after vendor/signature_pad.
//
// Markup (officials/document_sign.html):
//   <div data-signature-field>
//     <canvas data-signature-pad></canvas>
//     <input type="hidden" name="official_signature" data-signature-input>
//     <button type="button" data-signature-clear>…</button>
//   </div>
// On submit each non-empty pad writes a PNG data URL into its hidden input; an empty pad leaves
// the input empty and the server decides whether that is allowed.
(() => {
  "use strict";

  const pads = new Map();

  // The canvas is drawn in device pixels so a signature is sharp on a phone; resizing clears it
  // (signature_pad's own advice), so keep the strokes and put them back.
  function fit(canvas, pad) {
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    const data = pad.toData();
    canvas.width = canvas.offsetWidth * ratio;
    canvas.height = canvas.offsetHeight * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    pad.clear();
    pad.fromData(data);
  }

  function bind(canvas) {
    if (pads.has(canvas) || typeof window.SignaturePad !== "function") {
      return;
    }
    const pad = new window.SignaturePad(canvas, {
      backgroundColor: "rgb(255, 255, 255)",
      penColor: "rgb(0, 0, 0)",
    });
    pads.set(canvas, pad);
    fit(canvas, pad);
    const field = canvas.closest("[data-signature-field]");
    const status = field && field.querySelector("[data-signature-status]");
    pad.addEventListener("endStroke", () => {
      if (status) {
        status.hidden = false;
      }
    });
    const clear = field && field.querySelector("[data-signature-clear]");
    if (clear) {
      clear.addEventListener("click", () => {
        pad.clear();
        if (status) {
          status.hidden = true;
        }
      });
    }
  }

  function bindAll(root) {
    root.querySelectorAll("canvas[data-signature-pad]").forEach(bind);
  }

  document.addEventListener("submit", (event) => {
    event.target.querySelectorAll("canvas[data-signature-pad]").forEach((canvas) => {
      const pad = pads.get(canvas);
      const field = canvas.closest("[data-signature-field]");
      const input = field && field.querySelector("[data-signature-input]");
      if (pad && input) {
        input.value = pad.isEmpty() ? "" : pad.toDataURL("image/png");
      }
    });
  });

  window.addEventListener("resize", () => {
    pads.forEach((pad, canvas) => fit(canvas, pad));
  });

  document.addEventListener("DOMContentLoaded", () => bindAll(document));
  // A form swapped in by htmx gets its pads too.
  document.addEventListener("htmx:load", (event) => bindAll(event.target));
})();
