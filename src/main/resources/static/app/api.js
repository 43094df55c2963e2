// The customer page's API calls, with the signed-in customer's access token when there is one.

import { ACCEPT, ApiError, bearer, problemOf, readBody } from '../shared/http.js';
import { TokenSession } from '../shared/session.js';

let ended = () => {};

/** The signed-in customer: { access_token, expires_at, customer: { id, email, name } }, or none. */
export const session = new TokenSession('orderflow.session', {
  valid: (stored) => Boolean(stored.customer),
  expired: () => ended(),
});

/** What to do when the server stops taking the customer's token (it expired, or its key is gone). */
export function onSessionEnd(listener) {
  ended = listener;
}

/**
 * One API call. While signed in it carries the access token, unless the caller brings its own
 * Authorization (signing in checks a token before keeping it). A 401 to our token means the server no
 * longer accepts it: the session has ended, and the error says so instead of being shown as a failure.
 */
export async function api(method, path, body, headers) {
  const init = { method, headers: { Accept: ACCEPT, ...headers } };
  const token = init.headers.Authorization ? null : session.token;
  Object.assign(init.headers, bearer(token));
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError({
      title: 'Cannot reach orderflow',
      detail: 'The server did not answer. Check your connection and try again.',
      status: 0,
    });
  }
  const data = await readBody(response);
  if (!response.ok) {
    const problem = problemOf(response, data);
    problem.detail = problem.detail || `The server answered ${response.status}.`;
    if (response.status === 401 && token && session.token === token) {
      problem.sessionExpired = true;
      ended();
    }
    throw new ApiError(problem);
  }
  return data;
}
