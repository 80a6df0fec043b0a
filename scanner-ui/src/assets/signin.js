// The sign-in form (#login-form: user name, password, one-time code) of the official console and
// the venue owner page. Both sign in at POST /api/sessions; which routes the session opens is the
// account's kind, decided by the server.
import { t } from './i18n.js';
import { ApiError, api, errorMessage, show } from './common.js';

const $ = (id) => document.getElementById(id);

/** Wires the form; onSession({token, expiresAt}) runs after a successful sign-in. */
export function wireSignIn(onSession) {
  $('login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const username = $('login-username').value.trim();
    const password = $('login-password').value;
    const totp = $('login-totp').value.replace(/\s/g, '');
    const err = $('login-error');
    show(err, false);
    if (!username || !password || !totp) {
      err.textContent = t('common.required', { field: t(!username ? 'console.username' : !password ? 'console.password' : 'console.totp') });
      show(err, true);
      return;
    }
    const button = $('login-submit');
    button.disabled = true;
    button.textContent = t('console.login.busy');
    try {
      const res = await api('POST', '/api/sessions', { body: { username, password, totp } });
      if (!res.data || !res.data.token) throw new ApiError(res.status, 'bad_response', t('common.error'));
      $('login-password').value = '';
      $('login-totp').value = '';
      onSession({ token: String(res.data.token), expiresAt: res.data.expiresAt ?? null });
    } catch (e) {
      err.textContent = errorMessage(e, 'console.login');
      show(err, true);
    } finally {
      button.disabled = false;
      button.textContent = t('console.login.submit');
    }
  });
}
