// /ca: the local certificate authority's fingerprint and how to install it on a tablet
// (issue 13, item 5). The fingerprint is worked out here from /ca.crt itself, so what the page
// shows is what the tablet downloads; staff compare it with the one the server printed at
// start. Without a local authority (/ca.crt is 404) the page says there is nothing to install.
import { t } from './i18n.js';
import { ApiError, NetworkError, errorText, initPage, show } from './common.js';

const $ = (id) => document.getElementById(id);

initPage();
load();

async function load() {
  const status = $('ca-status');
  try {
    // A local authority means HTTPS (ENTRYLOG_TLS=self-signed): over plain HTTP there is none to
    // ask for, and not asking keeps a 404 out of the console.
    const res = location.protocol === 'https:' ? await fetch('/ca.crt', { cache: 'no-store' }) : { status: 404 };
    if (res.status === 404) {
      status.textContent = t('ca.none');
      document.body.dataset.ca = 'none';
      return;
    }
    if (!res.ok) throw new ApiError(res.status, null, null);
    const der = await res.arrayBuffer();
    if (window.crypto && crypto.subtle) {
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', der));
      $('ca-fingerprint').textContent = [...digest].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
    } else {
      $('ca-fingerprint').textContent = t('ca.fingerprint.insecure');
    }
    show(status, false);
    for (const id of ['ca-section', 'ca-android', 'ca-ipad']) show($(id), true);
    document.body.dataset.ca = 'ready';
  } catch (e) {
    status.textContent = errorText(e instanceof ApiError ? e : new NetworkError(e));
    status.className = 'message error';
    document.body.dataset.ca = 'error';
  }
}
