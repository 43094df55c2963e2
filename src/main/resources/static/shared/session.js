// An access token kept for the length of a visit: { access_token, expires_at (ms since the epoch), ... } in
// sessionStorage, which ends with the tab. Never in localStorage, where it would outlive the visit, and never in a
// URL, which ends up in histories and logs. Without storage (private modes may refuse it) it lasts as long as the
// page.

export class TokenSession {
  /**
   * key: the sessionStorage key; valid(stored): whether a stored value is whole; expired(): called when the
   * token's time is up, since the server refuses it from then on.
   */
  constructor(key, { valid = () => true, expired }) {
    this.key = key;
    this.valid = valid;
    this.expired = expired;
    this.value = null;
    this.timer = null;
    /** Bumped at every sign-in and sign-out, so that an answer arriving afterwards is not taken for the new one. */
    this.generation = 0;
  }

  /** What this tab kept, or null. */
  read() {
    try {
      const stored = JSON.parse(sessionStorage.getItem(this.key) || 'null');
      if (stored && typeof stored.access_token === 'string' && typeof stored.expires_at === 'number'
        && this.valid(stored)) {
        return stored;
      }
    } catch (e) {
      // unreadable, or no storage: signed out
    }
    return null;
  }

  /** Keeps a session (null: none) and arms its expiry; a session that has run out ends at once. */
  store(value) {
    this.value = value;
    this.generation++;
    try {
      if (value) sessionStorage.setItem(this.key, JSON.stringify(value));
      else sessionStorage.removeItem(this.key);
    } catch (e) {
      // no storage: the session lives in this page only
    }
    clearTimeout(this.timer);
    if (value) {
      // say so when it happens, not at the next failure
      this.timer = setTimeout(() => this.expired(), Math.min(2147483647, Math.max(0, value.expires_at - Date.now())));
    }
  }

  get token() {
    return this.value ? this.value.access_token : null;
  }
}

/** When a token that lives expires_in seconds runs out, counted from before it was asked for. */
export const expiresAt = (asked, expiresIn) => asked + Number(expiresIn || 0) * 1000;
