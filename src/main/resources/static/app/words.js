// The server's words for events, reasons, fields and problems, as the customer reads them.

import { humanize } from '../shared/format.js';

export const EVENT_LABELS = {
  order_placed: 'Order placed',
  fulfilment_started: 'Fulfilment started',
  order_validated: 'Order validated',
  order_rejected: 'Order rejected',
  stock_reserved: 'Stock reserved',
  stock_unavailable: 'Stock unavailable',
  payment_charged: 'Payment charged',
  payment_declined: 'Payment declined',
  shipment_created: 'Shipment created',
  shipment_failed: 'Shipment failed',
  compensation_requested: 'Compensation requested',
  stock_released: 'Stock released',
  payment_refunded: 'Payment refunded',
  cancellation_requested: 'Cancellation requested',
  order_cancelled: 'Order cancelled',
  order_completed: 'Order completed',
  order_failed: 'Order failed',
};

export const EVENT_TONES = {
  order_validated: 'ok', stock_reserved: 'ok', payment_charged: 'ok', shipment_created: 'ok', order_completed: 'ok',
  order_rejected: 'bad', stock_unavailable: 'bad', payment_declined: 'bad', shipment_failed: 'bad', order_failed: 'bad',
  compensation_requested: 'undo', stock_released: 'undo', payment_refunded: 'undo', cancellation_requested: 'neutral',
  order_cancelled: 'neutral',
};

const REASONS = {
  insufficient_stock: 'Out of stock',
  payment_declined: 'Payment declined',
  card_declined: 'Card declined',
  shipping_failed: 'The carrier could not ship it',
  unknown_sku: 'Unknown product',
  price_changed: 'The price changed',
  mixed_currencies: 'Mixed currencies',
  step_timed_out: 'A step timed out',
};

export const COMPENSATIONS = {
  release_stock: { done: 'Stock released', pending: 'Releasing stock', event: 'stock_released' },
  refund_payment: { done: 'Payment refunded', pending: 'Refunding payment', event: 'payment_refunded' },
};

export const reasonLabel = (reason) => REASONS[reason] || humanize(reason);

/** A machine-readable detail ("card_declined") reads better as words. */
export function failureDetail(detail) {
  if (!detail) return '';
  const text = /^[a-z]+(_[a-z]+)+$/.test(detail) ? reasonLabel(detail) : detail;
  return /[.!?…]$/.test(text) ? text : `${text}.`;
}

const FIELD_LABELS = {
  customer_email: 'Email',
  email: 'Email',
  password: 'Password',
  name: 'Name',
  items: 'Items',
  'shipping_address.country': 'Country',
  'shipping_address.name': 'Full name',
  'shipping_address.line1': 'Address',
  'shipping_address.city': 'City',
  'shipping_address.postal_code': 'Postal code',
  'payment.card_token': 'Card',
};

export function fieldLabel(field) {
  const item = /^items\[(\d+)]\.?(.*)$/.exec(field || '');
  if (item) {
    const what = item[2] ? humanize(item[2].replace(/^sku_or_product_id_given$/, 'product')) : '';
    return `Item ${Number(item[1]) + 1}${what ? ` ${what.toLowerCase()}` : ''}`;
  }
  return FIELD_LABELS[field] || humanize(field);
}

/** Titles in words for the problems a person meets; the server's title is the bare HTTP reason. */
const PROBLEM_TITLES = {
  validation: 'Validation failed',
  'invalid-credentials': 'Could not sign you in',
  'email-taken': 'This e-mail address already has an account',
  'sign-in-locked': 'Signing in is paused',
  'rate-limited': 'Too many requests',
};

/** The last part of a problem's type URI: "https://orderflow.io/problems/email-taken" is email-taken. */
export function problemType(problem) {
  const type = /\/problems\/([a-z-]+)$/.exec((problem && problem.type) || '');
  return type ? type[1] : '';
}

export const problemTitle = (problem) => PROBLEM_TITLES[problemType(problem)] || problem.title || 'Something went wrong';
