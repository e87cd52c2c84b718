// The bell in the page header follows the person's unread notifications live: the
// notifications service sends the count as Server-Sent Events when the stream opens and
// whenever it changes (GET /api/v1/notifications/stream, signed in by the session cookie).
// Without JavaScript the bell is a plain link to the inbox. A rising count is also said
// through a polite live region, so screen-reader users hear of a new notification.
document.addEventListener("DOMContentLoaded", function () {
  var bell = document.querySelector("[data-inbox-stream]");
  if (!bell || typeof EventSource === "undefined") {
    return;
  }
  var count = bell.querySelector("[data-inbox-count]");
  var label = bell.querySelector("[data-inbox-label]");
  var announce = document.querySelector("[data-inbox-announce]");
  var shown = null;

  function labelFor(unread) {
    if (unread === 0) {
      return bell.dataset.labelZero;
    }
    if (unread === 1) {
      return bell.dataset.labelOne;
    }
    return bell.dataset.labelMany.replace("{count}", String(unread));
  }

  function show(unread) {
    var text = labelFor(unread);
    label.textContent = text;
    count.textContent = unread > 99 ? "99+" : String(unread);
    count.hidden = unread === 0;
    bell.dataset.unread = String(unread);
    if (announce && shown !== null && unread > shown) {
      announce.textContent = text;
    }
    shown = unread;
  }

  var source = new EventSource(bell.dataset.inboxStream);
  source.addEventListener("unread", function (event) {
    var data = JSON.parse(event.data);
    if (typeof data.unread === "number") {
      show(data.unread);
    }
  });
  // Let the connection go at once when the page is left, so streams do not pile up.
  window.addEventListener("pagehide", function () {
    source.close();
  });
});
