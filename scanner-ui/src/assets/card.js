// A printed card for someone without a smartphone: made at /card from the registration kept on
// this device (by the person, a relative or a community centre), printed at credit-card size
// with the name's initials only, the QR and a 12-digit number staff can type. Valid until
// revoked; revoking offers a new card. The initials never leave this device.
import { t } from './i18n.js';
import { api, ApiError, errorText, initPage, show, storageGet, storageSet, twoStepButton } from './common.js';

const KEY_VISITOR = 'entrylog.visitor'; // written by pass.js
const KEY_CARD = 'entrylog.card'; // {cardId, number, qrPng, initials}: to print again
const $ = (id) => document.getElementById(id);

initPage();
const visitor = storageGet(KEY_VISITOR);
let card = storageGet(KEY_CARD);

$('card-form').addEventListener('submit', makeCard);
$('card-print').addEventListener('click', () => window.print());
twoStepButton($('card-revoke'), () => t('card.revoke.confirm'), revokeCard);
render();

function render() {
  if (!visitor || !visitor.visitorId || !visitor.secret) {
    show($('card-none'), true);
    show($('card-make-section'), false);
    show($('card-sheet'), false);
    return;
  }
  show($('card-none'), false);
  show($('card-make-section'), !card);
  show($('card-sheet'), !!card);
  if (card) {
    $('card-initials').textContent = card.initials || '';
    $('card-qr').src = card.qrPng;
    $('card-number').textContent = card.number;
    $('print-card').dataset.cardId = card.cardId;
  }
}

/** At most four letters, from what was typed: a card shows initials, never a name. */
function initials(text) {
  return [...text.replace(/[\s.·-]/g, '')].slice(0, 4).join('').toUpperCase();
}

async function makeCard(ev) {
  ev.preventDefault();
  const button = $('card-make');
  const error = $('card-error');
  show(error, false);
  button.disabled = true;
  try {
    const res = await api('POST', `/api/visitors/${encodeURIComponent(visitor.visitorId)}/cards`, { token: visitor.secret });
    const d = res.data || {};
    if (!d.cardId || !d.qrPng || !d.number) throw new ApiError(res.status, 'bad_response', t('common.error'));
    card = { cardId: String(d.cardId), number: String(d.number), qrPng: String(d.qrPng), initials: initials($('card-initials-input').value) };
    storageSet(KEY_CARD, card);
    $('card-form').reset();
    setStatus(t('card.made'));
    render();
  } catch (err) {
    error.textContent = errorText(err);
    show(error, true);
  } finally {
    button.disabled = false;
  }
}

async function revokeCard() {
  try {
    await api('DELETE', `/api/visitors/${encodeURIComponent(visitor.visitorId)}/cards/${encodeURIComponent(card.cardId)}`, { token: visitor.secret });
  } catch (err) {
    // already revoked (404) is revoked all the same; anything else is shown and the card kept
    if (!(err instanceof ApiError && err.status === 404)) {
      setStatus(errorText(err), 'error');
      return;
    }
  }
  card = null;
  storageSet(KEY_CARD, null);
  render();
  setStatus(t('card.revoked'));
}

function setStatus(text, kind = '') {
  const s = $('card-status');
  s.textContent = text;
  s.className = `message ${kind}`.trim();
  show(s, !!text);
  // the status also shows when the sheet is hidden (after revoking): move it above the form
  if (!card) $('card-make-section').prepend(s);
  else $('card-sheet').insertBefore(s, $('card-sheet').querySelector('.actions'));
}
