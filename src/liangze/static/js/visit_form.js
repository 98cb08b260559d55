// The visit form (docs/architecture.md#the-visit-form): "all items pass" in one tap, a problem's
// fields shown when an item is marked a problem, the after photo when fixed on the spot, and the
// phone's location asked once at submission (denied or missing never blocks). The task list's
// "nearest first" link asks for the position the same way. A file: CSP forbids inline script.
(() => {
  "use strict";

  function position(done) {
    if (!navigator.geolocation) {
      done(null, "unavailable");
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (p) => done(p.coords, "given"),
      (e) => done(null, e.code === 1 ? "denied" : "unavailable"),
      { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 },
    );
  }

  function e6(value) {
    return String(Math.round(value * 1e6));
  }

  function bindForm(form) {
    const allPass = form.querySelector("[data-all-pass]");
    if (allPass) {
      allPass.addEventListener("click", () => {
        form.querySelectorAll('input[data-result="pass"]').forEach((input) => {
          input.checked = true;
          input.dispatchEvent(new Event("change", { bubbles: true }));
        });
      });
    }
    form.addEventListener("change", (event) => {
      const item = event.target.closest("[data-item]");
      if (!item) {
        return;
      }
      const chosen = item.querySelector("input[data-result]:checked");
      const block = item.querySelector("[data-problem-block]");
      if (block) {
        block.hidden = !chosen || chosen.value !== "problem";
      }
      const fixed = item.querySelector("[data-fixed]");
      const after = item.querySelector("[data-after]");
      if (fixed && after) {
        after.hidden = !fixed.checked;
      }
    });
    let located = false;
    form.addEventListener("submit", (event) => {
      if (located) {
        return;
      }
      event.preventDefault();
      position((coords, state) => {
        form.querySelector("[data-location]").value = state;
        if (coords) {
          form.querySelector("[data-lat]").value = e6(coords.latitude);
          form.querySelector("[data-lng]").value = e6(coords.longitude);
        }
        located = true;
        form.requestSubmit ? form.requestSubmit() : form.submit();
      });
    });
  }

  function bindNearMe(link) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      position((coords) => {
        if (coords) {
          window.location.search = `?lat_e6=${e6(coords.latitude)}&lng_e6=${e6(coords.longitude)}`;
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-visit-form]").forEach(bindForm);
    document.querySelectorAll("[data-near-me]").forEach(bindNearMe);
  });
})();
