// The visit form (docs/architecture.md#the-visit-form). A file, not inline script: CSP forbids
// inline script. Needs vendor/idb, vendor/exifr, vendor/browser-image-compression and
// vendor/signature_pad, loaded before it.
//
// - "All items pass" in one tap; a problem's fields open when an item is marked a problem.
// - A draft (fields, the drawn signature, the shrunk photos) is kept in IndexedDB on every change,
//   so a closed tab or a lost connection loses nothing; it carries the page's idempotency key.
// - Submitting puts the visit in an outbox (IndexedDB) and sends it; it leaves the outbox only
//   when the server confirms (or refuses it with reasons, shown on the form). Without a
//   connection it waits and is sent when the browser is online again, or when a visits page
//   is opened. The same key twice makes one visit on the server.
// - Photos: EXIF capture time and GPS read (exifr) and the photo shrunk (browser-image-compression)
//   before it is stored, so a weak signal carries less; shrinking drops the EXIF, so the time and
//   place are sent beside each photo (`<field>-captured_at`, `-lat_e6`, `-lng_e6`, one value per
//   photo in order) and the server stamps them on a display copy.
// - Every draft and outbox entry belongs to the account that made it (data-account on the page):
//   on a phone shared by two officials, one never sees or sends the other's visits; they wait
//   for their owner to log in again. Logging out clears the pages the service worker kept
//   (app.js), never the outbox.
// - The phone's location is asked once, at submission; a denial never blocks.
// - A small service worker (/visits/sw.js) keeps the visits pages and their assets for offline use.
(() => {
  "use strict";

  const DB_NAME = "liangze-visits";
  let dbPromise = null;

  function db() {
    if (!dbPromise) {
      dbPromise = window.idb.openDB(DB_NAME, 1, {
        upgrade(database) {
          database.createObjectStore("drafts");
          database.createObjectStore("outbox");
        },
      });
    }
    return dbPromise;
  }

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

  // exifr gives EXIF times as Dates in the phone's zone; "" for none or a broken one.
  function isoTime(value) {
    const date = value instanceof Date ? value : new Date(value || NaN);
    return Number.isNaN(date.getTime()) ? "" : date.toISOString();
  }

  function csrfToken(form) {
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // The logged-in account, or "" (then nothing is sent or listed).
  function account() {
    const holder = document.querySelector("[data-account]");
    return holder ? holder.dataset.account : "";
  }

  // The session's token now: a login rotates it, so the one saved with an entry may be stale.
  function currentCsrf(entry) {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : entry.csrf;
  }

  function ownEntries(entries) {
    const me = account();
    return entries.filter((entry) => me && entry.account === me);
  }

  // --- the outbox -------------------------------------------------------------------------

  let flushing = false;

  async function flush() {
    if (flushing) {
      return;
    }
    flushing = true;
    try {
      const store = await db();
      const keys = await store.getAllKeys("outbox");
      for (const key of keys) {
        const entry = await store.get("outbox", key);
        if (!entry || ownEntries([entry]).length === 0) {
          continue; // another account's visit waits for its owner
        }
        const body = new FormData();
        // The token goes in the header, current: Django reads a posted one first, and a login
        // since the visit was saved has made that one stale.
        entry.fields
          .filter(([name]) => name !== "csrfmiddlewaretoken")
          .forEach(([name, value]) => body.append(name, value));
        entry.files.forEach(([name, blob, filename]) => body.append(name, blob, filename));
        let response;
        try {
          response = await fetch(entry.action, {
            method: "POST",
            body,
            credentials: "same-origin",
            headers: { "X-Visit-Outbox": "1", "X-CSRFToken": currentCsrf(entry) },
          });
        } catch (error) {
          showStatus("offline");
          return; // no connection: try again when online
        }
        let answer = {};
        try {
          answer = await response.json();
        } catch (error) {
          answer = {};
        }
        if (response.ok) {
          await store.delete("outbox", key);
          await store.delete("drafts", entry.draftKey || entry.business);
          if (currentBusiness() === entry.business && answer.url) {
            window.location.assign(answer.url);
          }
        } else if (response.status >= 400 && response.status < 500 && answer.code) {
          // Refused with reasons: back to the draft, which is still kept.
          await store.delete("outbox", key);
          if (currentBusiness() === entry.business) {
            showErrors(answer);
          }
        } else {
          showStatus("offline");
          return;
        }
      }
      listOutbox();
    } finally {
      flushing = false;
    }
  }

  function currentBusiness() {
    const form = document.querySelector("[data-visit-form]");
    return form ? form.dataset.business : null;
  }

  function showStatus(state) {
    document.querySelectorAll("[data-outbox-status]").forEach((el) => {
      el.hidden = state !== "offline";
    });
    listOutbox();
  }

  function showErrors(answer) {
    const box = document.querySelector("[data-client-errors]");
    if (!box) {
      return;
    }
    box.replaceChildren();
    // A refusal's message often repeats its field's (a re-check's always does): each once.
    const messages = new Set([answer.message, ...Object.values(answer.fields || {})]);
    [...messages].filter(Boolean).forEach((text) => {
      const p = document.createElement("p");
      p.textContent = text;
      box.appendChild(p);
    });
    box.hidden = false;
    box.scrollIntoView();
  }

  async function listOutbox() {
    const list = document.querySelector("[data-outbox-list]");
    if (!list || !window.idb) {
      return;
    }
    const entries = ownEntries(await (await db()).getAll("outbox"));
    list.replaceChildren();
    entries.forEach((entry) => {
      const li = document.createElement("li");
      li.textContent = entry.label;
      li.dataset.testid = "outbox-entry";
      list.appendChild(li);
    });
    list.closest("[data-outbox]").hidden = entries.length === 0;
  }

  // --- the draft --------------------------------------------------------------------------

  function fieldsOf(form) {
    const fields = [];
    new FormData(form).forEach((value, name) => {
      if (!(value instanceof File)) {
        fields.push([name, value]);
      }
    });
    return fields;
  }

  function bindForm(form) {
    const business = form.dataset.business;
    const draftKey = `${account()}:${business}`;
    const canvas = form.querySelector("canvas[data-signature-pad]");
    const signatureInput = form.querySelector("[data-signature-input]");
    let pad = null;
    if (canvas && typeof window.SignaturePad === "function") {
      pad = new window.SignaturePad(canvas, { backgroundColor: "rgb(255, 255, 255)" });
      const ratio = Math.max(window.devicePixelRatio || 1, 1);
      canvas.width = canvas.offsetWidth * ratio;
      canvas.height = canvas.offsetHeight * ratio;
      canvas.getContext("2d").scale(ratio, ratio);
      pad.clear();
      pad.addEventListener("endStroke", () => save());
      const clear = form.querySelector("[data-signature-clear]");
      if (clear) {
        clear.addEventListener("click", () => {
          pad.clear();
          save();
        });
      }
    }
    let photos = {}; // input name -> [{blob, name, takenAt, lat, lng}]

    function signature() {
      return pad && !pad.isEmpty() ? pad.toDataURL("image/png") : "";
    }

    async function save() {
      if (signatureInput) {
        signatureInput.value = signature();
      }
      await (await db()).put(
        "drafts",
        { business, account: account(), fields: fieldsOf(form), photos, savedAt: Date.now() },
        draftKey,
      );
    }

    function showPhotos(name) {
      const label = form.querySelector(`[data-photos-for="${name}"]`);
      if (label) {
        const count = (photos[name] || []).length;
        label.textContent = count ? label.dataset.template.replace("{n}", count) : "";
      }
    }

    function toggle(item) {
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
    }

    async function restore() {
      const draft = await (await db()).get("drafts", draftKey);
      if (!draft) {
        return;
      }
      const values = new Map();
      draft.fields.forEach(([name, value]) => {
        if (!values.has(name)) {
          values.set(name, []);
        }
        values.get(name).push(value);
      });
      form.querySelectorAll("input, textarea, select").forEach((el) => {
        if (!el.name || el.type === "file" || el.name === "csrfmiddlewaretoken") {
          return;
        }
        const given = values.get(el.name);
        if (el.type === "radio" || el.type === "checkbox") {
          el.checked = Boolean(given && given.includes(el.value));
        } else if (given) {
          el.value = given[0];
        }
      });
      photos = draft.photos || {};
      Object.keys(photos).forEach(showPhotos);
      if (pad && signatureInput && signatureInput.value) {
        pad.fromDataURL(signatureInput.value);
      }
      form.querySelectorAll("[data-item]").forEach(toggle);
      const notice = document.querySelector("[data-draft-restored]");
      if (notice) {
        notice.hidden = false;
      }
    }

    async function takePhotos(input) {
      const taken = [];
      for (const file of input.files) {
        let meta = {};
        try {
          meta = (await window.exifr.parse(file, { gps: true })) || {};
        } catch (error) {
          meta = {};
        }
        let blob = file;
        try {
          blob = await window.imageCompression(file, {
            maxSizeMB: 0.5,
            maxWidthOrHeight: 1600,
            useWebWorker: false,
          });
        } catch (error) {
          blob = file;
        }
        taken.push({
          blob,
          name: file.name,
          takenAt: isoTime(meta.DateTimeOriginal || meta.CreateDate),
          lat: Number.isFinite(meta.latitude) ? e6(meta.latitude) : "",
          lng: Number.isFinite(meta.longitude) ? e6(meta.longitude) : "",
        });
      }
      photos[input.name] = taken;
      input.value = ""; // the shrunk copies in the draft are what is sent
      showPhotos(input.name);
      await save();
    }

    const allPass = form.querySelector("[data-all-pass]");
    if (allPass) {
      allPass.addEventListener("click", () => {
        form.querySelectorAll('input[data-result="pass"]').forEach((input) => {
          input.checked = true;
        });
        form.querySelectorAll("[data-item]").forEach(toggle);
        save();
      });
    }
    form.addEventListener("change", (event) => {
      const item = event.target.closest("[data-item]");
      if (item) {
        toggle(item);
      }
      if (event.target.type === "file") {
        takePhotos(event.target);
      } else {
        save();
      }
    });
    form.addEventListener("input", (event) => {
      if (event.target.type !== "file") {
        save();
      }
    });

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!form.reportValidity()) {
        return;
      }
      position(async (coords, state) => {
        form.querySelector("[data-location]").value = state;
        if (coords) {
          form.querySelector("[data-lat]").value = e6(coords.latitude);
          form.querySelector("[data-lng]").value = e6(coords.longitude);
        }
        await save();
        const files = [];
        const captures = [];
        Object.entries(photos).forEach(([name, list]) => {
          list.forEach((p, index) => {
            files.push([name, p.blob, p.name || `photo-${index + 1}.jpg`]);
            captures.push(
              [`${name}-captured_at`, p.takenAt || ""],
              [`${name}-lat_e6`, p.lat || ""],
              [`${name}-lng_e6`, p.lng || ""],
            );
          });
        });
        const key = form.querySelector("input[name=idempotency_key]").value;
        await (await db()).put(
          "outbox",
          {
            business,
            account: account(),
            draftKey,
            action: form.action || window.location.href,
            csrf: csrfToken(form),
            label: form.dataset.label,
            fields: fieldsOf(form).concat(captures),
            files,
            queuedAt: Date.now(),
          },
          key,
        );
        flush();
      });
    });

    restore();
  }

  function registerWorker() {
    const holder = document.querySelector("[data-sw-url]");
    if (holder && "serviceWorker" in navigator) {
      navigator.serviceWorker
        .register(holder.dataset.swUrl, { scope: holder.dataset.swScope })
        .catch(() => {});
    }
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
    registerWorker();
    document.querySelectorAll("[data-near-me]").forEach(bindNearMe);
    if (!window.idb) {
      return; // no IndexedDB wrapper: the form posts as a plain form
    }
    document.querySelectorAll("[data-visit-form]").forEach(bindForm);
    window.addEventListener("online", flush);
    flush();
  });
})();
