// The new order form: products with their stock, lines with a live total, and placing the order.

import { $, $$, el } from '../shared/dom.js';
import { count, money, toCents } from '../shared/format.js';
import { newKey } from '../shared/http.js';
import { api, session } from './api.js';
import { clearError, showError } from './errors.js';
import { rememberGuestOrder } from './guest-orders.js';
import { nav } from './navigation.js';
import { upsert } from './state.js';
import { fieldLabel } from './words.js';

let products = [];
let productsLoaded = false;
let placing = false;

/** Stock levels move: the form shows what is available now. */
export async function loadProducts() {
  try {
    products = await api('GET', '/api/products');
    productsLoaded = true;
    refreshLines();
  } catch (error) {
    showError({ ...error.problem, title: 'Could not load products' });
  }
}

/** Reads the products again if they were read before (the first read is the page's start). */
export function reloadProducts() {
  if (productsLoaded) loadProducts();
}

const product = (sku) => products.find((p) => p.sku === sku);

function addLine(sku) {
  const used = $$('[data-testid="line-product"]').map((s) => s.value);
  const choice = sku || (products.find((p) => p.available > 0 && !used.includes(p.sku)) || products[0] || {}).sku;
  const line = $('#line-template').content.firstElementChild.cloneNode(true);
  $('#lines').append(line);
  fillProducts($('select', line), choice);
  updateLine(line);
  updateTotal();
  return line;
}

function fillProducts(select, chosen) {
  const value = chosen || select.value;
  select.replaceChildren(...products.map((p) => el('option', {
    value: p.sku,
    text: `${p.name} — ${money(toCents(p.price), p.currency)}${p.available > 0 ? '' : ' · out of stock'}`,
  })));
  if (value && products.some((p) => p.sku === value)) select.value = value;
}

function refreshLines() {
  const lines = $$('[data-testid="order-line"]');
  if (lines.length === 0 && products.length) {
    addLine();
    return;
  }
  lines.forEach((line) => {
    fillProducts($('select', line));
    updateLine(line);
  });
  updateTotal();
}

function lineQuantity(line) {
  const text = $('input', line).value.trim();
  return /^\d+$/.test(text) ? parseInt(text, 10) : null;
}

function updateLine(line) {
  const p = product($('select', line).value);
  const quantity = lineQuantity(line);
  const stock = $('[data-testid="line-stock"]', line);
  stock.classList.remove('out', 'low');
  if (!p) {
    stock.textContent = '';
    $('[data-testid="line-total"]', line).textContent = '';
    return;
  }
  if (p.available <= 0) {
    stock.textContent = 'Out of stock — this order will fail at the inventory check';
    stock.classList.add('out');
  } else if (quantity !== null && quantity > p.available) {
    stock.textContent = `Only ${count(p.available)} in stock`;
    stock.classList.add('low');
  } else {
    stock.textContent = `${p.description ? `${p.description} · ` : ''}${count(p.available)} in stock`;
  }
  $('[data-testid="line-total"]', line).textContent = money(toCents(p.price) * (quantity || 0), p.currency);
  $$('[data-testid="remove-item"]').forEach((b) => { b.disabled = $$('[data-testid="order-line"]').length <= 1; });
}

function updateTotal() {
  let cents = 0;
  let currency = 'USD';
  for (const line of $$('[data-testid="order-line"]')) {
    const p = product($('select', line).value);
    if (!p) continue;
    currency = p.currency || currency;
    cents += toCents(p.price) * (lineQuantity(line) || 0);
  }
  const total = $('[data-testid="form-total"]');
  total.textContent = money(cents, currency);
  total.dataset.cents = String(cents);
}

function clearFieldErrors() {
  $$('#order-form .field-error').forEach((e) => { e.textContent = ''; });
  $$('#order-form .invalid').forEach((e) => e.classList.remove('invalid'));
}

function showFieldErrors(errors) {
  const lines = $$('[data-testid="order-line"]');
  for (const error of errors || []) {
    const item = /^items\[(\d+)]/.exec(error.field || '');
    if (item && lines[Number(item[1])]) {
      const line = lines[Number(item[1])];
      line.classList.add('invalid');
      const slot = $('.line-error', line);
      slot.textContent = [slot.textContent, `${fieldLabel(error.field)} ${error.message}`].filter(Boolean).join('; ');
      continue;
    }
    const slot = $(`#order-form .field-error[data-field="${CSS.escape(error.field)}"]`);
    if (slot) {
      slot.textContent = error.message;
      const input = slot.parentElement.querySelector('input, select');
      if (input) input.classList.add('invalid');
    }
  }
}

function readForm() {
  const items = $$('[data-testid="order-line"]').map((line) => {
    const p = product($('select', line).value);
    const text = $('input', line).value.trim();
    const quantity = /^-?\d+$/.test(text) ? parseInt(text, 10) : null;
    const item = { sku: $('select', line).value, quantity };
    if (p) item.unit_price = p.price; // the price the customer saw; the server refuses a changed one
    return item;
  });
  const address = { country: $('#ship-country').value };
  for (const [key, id] of [['name', '#ship-name'], ['line1', '#ship-line1'], ['city', '#ship-city'], ['postal_code', '#ship-postal']]) {
    const value = $(id).value.trim();
    if (value) address[key] = value;
  }
  return {
    customer_email: $('#customer-email').value.trim(),
    items,
    payment: { card_token: $('input[name="card"]:checked').value },
    shipping_address: address,
  };
}

async function placeOrder(event) {
  event.preventDefault();
  if (placing) return;
  clearError();
  clearFieldErrors();
  const body = readForm();
  const button = $('[data-testid="place-order"]');
  placing = true;
  button.disabled = true;
  button.textContent = 'Placing order…';
  try {
    // signed in, the order is the customer's; as a guest, the answer carries its order token (only this once)
    const order = await api('POST', '/api/orders', body, { 'Idempotency-Key': newKey() });
    try {
      localStorage.setItem('orderflow.email', body.customer_email);
    } catch (e) {
      // storage may be off; remembering the email is only a convenience
    }
    if (order.order_token) rememberGuestOrder(order);
    delete order.order_token;
    upsert(order);
    nav.placed = order;
    location.hash = `#/orders/${encodeURIComponent(order.id)}`;
  } catch (error) {
    showError(error.problem);
    showFieldErrors(error.problem.errors);
  } finally {
    placing = false;
    button.disabled = false;
    button.textContent = 'Place order';
  }
}

export function bindForm() {
  $('#order-form').addEventListener('submit', placeOrder);
  $('#add-line').addEventListener('click', () => {
    const line = addLine();
    $('select', line).focus();
  });
  $('#lines').addEventListener('click', (event) => {
    const line = event.target.closest('[data-testid="order-line"]');
    if (!line) return;
    const step = event.target.closest('.qty-step');
    if (step) {
      const input = $('input', line);
      const next = Math.min(1000, Math.max(1, (lineQuantity(line) || 0) + Number(step.dataset.step)));
      input.value = String(next);
      updateLine(line);
      updateTotal();
    } else if (event.target.closest('[data-testid="remove-item"]')) {
      if ($$('[data-testid="order-line"]').length > 1) line.remove();
      $$('[data-testid="order-line"]').forEach(updateLine);
      updateTotal();
    }
  });
  const onChange = (event) => {
    const line = event.target.closest('[data-testid="order-line"]');
    if (line) {
      line.classList.remove('invalid');
      $('.line-error', line).textContent = '';
      updateLine(line);
      updateTotal();
    }
  };
  $('#lines').addEventListener('input', onChange);
  $('#lines').addEventListener('change', onChange);
  $('#order-form').addEventListener('input', (event) => {
    if (event.target.closest('[data-testid="order-line"]')) return;
    event.target.classList.remove('invalid');
    const slot = event.target.parentElement.querySelector('.field-error');
    if (slot) slot.textContent = '';
  });
  try {
    const email = session.value ? session.value.customer.email : localStorage.getItem('orderflow.email');
    if (email) $('#customer-email').value = email;
  } catch (e) {
    // no storage: start empty
  }
}
