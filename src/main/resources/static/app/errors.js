// The error box at the top of the page: a problem's title, its detail and the fields it names.

import { $, el } from '../shared/dom.js';
import { fieldLabel, problemTitle } from './words.js';

export function showError(problem) {
  if (problem.sessionExpired) return; // the sign-in view says so already
  const box = $('[data-testid="error-box"]');
  $('.alert-title', box).textContent = problemTitle(problem);
  $('.alert-detail', box).textContent = problem.detail || '';
  $('.alert-fields', box).replaceChildren(...(Array.isArray(problem.errors) ? problem.errors : []).map((error) =>
    el('li', { 'data-testid': 'error-field', 'data-field': error.field },
      el('strong', { text: fieldLabel(error.field) }), ` ${error.message || 'is not valid'}`)));
  box.hidden = false;
  box.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
}

export function clearError() {
  $('[data-testid="error-box"]').hidden = true;
}
