// Talking to the API: JSON both ways, and failures as RFC 9457 problem details (application/problem+json).

export const ACCEPT = 'application/json, application/problem+json';

/** A failed call: message is the problem's detail or title; problem is the whole answer. */
export class ApiError extends Error {
  constructor(problem) {
    super(problem.detail || problem.title || 'Request failed');
    this.problem = problem;
    this.status = problem.status || 0;
  }
}

/** An answer's body: JSON when it says so (null when that does not parse), text otherwise. */
export async function readBody(response) {
  const type = response.headers.get('Content-Type') || '';
  if (!type.includes('json')) return response.text();
  try {
    return await response.json();
  } catch (e) {
    return null;
  }
}

/** The problem a failed answer describes, with its status and a title even when the server sent no body. */
export function problemOf(response, body) {
  const problem = body && typeof body === 'object' ? body : {};
  problem.status = problem.status || response.status;
  problem.title = problem.title || response.statusText || 'Request failed';
  return problem;
}

export const bearer = (token) => (token ? { Authorization: `Bearer ${token}` } : {});

/** An Idempotency-Key: the same one for the retries of one request, a new one for the next. */
export function newKey() {
  if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
  return `k-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}
