// Numbers, money and times as people read them, in the browser's locale.

/** Exact money: a decimal from the API ("999.99" or 999.99) as integer cents. */
export function toCents(value) {
  if (value === null || value === undefined || value === '') return 0;
  const text = String(value).trim();
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match) return Math.round(Number(text) * 100);
  const whole = parseInt(match[2] || '0', 10);
  const fraction = parseInt(`${match[3] || ''}00`.slice(0, 2), 10);
  const rest = (match[3] || '').slice(2);
  const roundUp = rest.length > 0 && rest.charCodeAt(0) >= 53 ? 1 : 0; // half up on a third decimal
  const cents = whole * 100 + fraction + roundUp;
  return match[1] === '-' ? -cents : cents;
}

const currencies = {};

export function money(cents, currency) {
  const code = currency || 'USD';
  if (!currencies[code]) {
    try {
      currencies[code] = new Intl.NumberFormat(undefined, { style: 'currency', currency: code });
    } catch (e) {
      currencies[code] = { format: (n) => `${code} ${n.toFixed(2)}` };
    }
  }
  // cents are exact integers; dividing once for display gives the nearest decimal exactly
  return currencies[code].format(cents / 100);
}

export const count = (n) => new Intl.NumberFormat().format(n);

/** A number with a precision that suits its size (or the digits asked for); a dash for none. */
export function number(v, digits) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  const abs = Math.abs(v);
  const d = digits !== undefined ? digits : abs >= 100 ? 0 : abs >= 10 ? 1 : abs === 0 ? 0 : 2;
  return v.toLocaleString(undefined, { minimumFractionDigits: d, maximumFractionDigits: d });
}

/** The time of day of an ISO instant, to the second. */
export function time(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return isNaN(date) ? '' : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** An ISO instant for a customer: "today 14:02:11", or a medium date and a short time. */
export function dateTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (isNaN(date)) return '';
  const today = new Date().toDateString() === date.toDateString();
  return today ? `today ${time(iso)}` : date.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
}

/** An ISO instant in full, for an operator; what cannot be read is shown as it came. */
export function fullDateTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return isNaN(date) ? iso : date.toLocaleString();
}

/** A chart's clock: 24-hour time, with seconds when the ticks are closer than a minute. */
export function clock(ms, seconds = false) {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: seconds ? '2-digit' : undefined,
    hourCycle: 'h23' });
}

/** datetime-local (local wall time) → ISO instant, or undefined. */
export function toInstant(local) {
  if (!local) return undefined;
  const date = new Date(local);
  return isNaN(date) ? undefined : date.toISOString();
}

/** A wire name as words: "inventory_check" is "Inventory check". */
export function humanize(word) {
  if (!word) return '';
  const text = String(word).replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
