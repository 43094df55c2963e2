// Signing in and creating an account: one form, two modes.

import { $, $$ } from '../shared/dom.js';
import { signIn } from './account.js';
import { api, session } from './api.js';
import { clearError, showError } from './errors.js';
import { go, nav, showView } from './navigation.js';
import { problemType } from './words.js';

let authMode = 'sign-in';
let busy = false;

/** The form in a mode: 'sign-in' or 'sign-up'; it says nav.notice, once, if there is one. */
export function showAuth(mode) {
  authMode = mode;
  const signUp = mode === 'sign-up';
  showView('auth', mode);
  const form = $('#auth-form');
  // the test ids and the password manager's hints follow the mode
  form.dataset.testid = signUp ? 'sign-up-form' : 'sign-in-form';
  $$('#auth-view [data-only]').forEach((node) => { node.hidden = node.dataset.only !== mode; });
  $('[data-testid="auth-title"]').textContent = signUp ? 'Create your account' : 'Sign in';
  $('[data-testid="auth-submit"]').textContent = signUp ? 'Create account' : 'Sign in';
  $('#auth-password').autocomplete = signUp ? 'new-password' : 'current-password';
  const notice = $('[data-testid="auth-notice"]');
  notice.textContent = nav.notice;
  notice.hidden = !nav.notice;
  nav.notice = '';
  clearAuthErrors();
  document.title = `${signUp ? 'Create account' : 'Sign in'} · orderflow`;
  (signUp ? $('#auth-name') : $('#auth-email').value ? $('#auth-password') : $('#auth-email')).focus();
}

function clearAuthErrors() {
  $$('#auth-form .field-error').forEach((e) => { e.textContent = ''; });
  $$('#auth-form .invalid').forEach((e) => e.classList.remove('invalid'));
}

function authFieldError(field, message) {
  const slot = $(`#auth-form .field-error[data-field="${CSS.escape(field)}"]`);
  if (!slot) return;
  slot.textContent = message;
  const input = slot.parentElement.querySelector('input');
  if (input) input.classList.add('invalid');
}

/** The server's answer on the field it concerns, and in the error box with its detail. */
function showAuthProblem(problem) {
  showError(problem);
  for (const error of Array.isArray(problem.errors) ? problem.errors : []) {
    authFieldError(error.field, error.message || 'is not valid');
  }
  const type = problemType(problem);
  if (type === 'email-taken') {
    authFieldError('email', 'already has an account');
    $('#auth-email').focus();
  } else if (type === 'invalid-credentials') {
    $('#auth-password').classList.add('invalid');
    $('#auth-password').select();
  }
}

async function submitAuth(event) {
  event.preventDefault();
  if (busy) return;
  clearError();
  clearAuthErrors();
  $('[data-testid="auth-notice"]').hidden = true;
  const mode = authMode;
  const email = $('#auth-email').value.trim();
  const password = $('#auth-password').value;
  const name = $('#auth-name').value.trim();
  const button = $('[data-testid="auth-submit"]');
  busy = true;
  button.disabled = true;
  button.textContent = mode === 'sign-up' ? 'Creating account…' : 'Signing in…';
  let registered = false;
  try {
    if (mode === 'sign-up') {
      await api('POST', '/api/customers', { email, password, name });
      registered = true;
    }
    await signIn(email, password);
    $('#auth-password').value = '';
    $('#customer-email').value = session.value.customer.email;
    // a new customer goes to the order form; someone signing in back to what they were looking at
    const target = mode === 'sign-in' && nav.returnTo ? nav.returnTo : '#/';
    nav.returnTo = null;
    go(target);
  } catch (error) {
    if (registered) {
      // the account exists now; signing in is what is left to do
      nav.notice = 'Your account has been created. Please sign in.';
      showAuth('sign-in');
      history.replaceState(null, '', '#/sign-in');
    }
    showAuthProblem(error.problem);
  } finally {
    busy = false;
    button.disabled = false;
    button.textContent = authMode === 'sign-up' ? 'Create account' : 'Sign in';
  }
}

export function bindAuth() {
  $('#auth-form').addEventListener('submit', submitAuth);
  $('#auth-form').addEventListener('input', (event) => {
    event.target.classList.remove('invalid');
    const slot = event.target.parentElement.querySelector('.field-error');
    if (slot) slot.textContent = '';
  });
}
