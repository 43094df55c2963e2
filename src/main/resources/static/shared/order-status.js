// The order statuses, as the server names them (OrderStatus, and the saga in OrderFulfilment). The pages ask the
// server for no schema, so these are copies: PageVocabularyUnitTest holds them to the server's.

/** Every status, in the saga's order. */
export const STATUSES = ['pending', 'validating', 'inventory_check', 'payment_processing', 'shipping', 'completed',
  'failed', 'cancelled'];

/** The way to completion, as the customer's page draws it. */
export const STAGES = [
  { status: 'pending', label: 'Placed' },
  { status: 'validating', label: 'Validating' },
  { status: 'inventory_check', label: 'Inventory check' },
  { status: 'payment_processing', label: 'Payment' },
  { status: 'shipping', label: 'Shipping' },
  { status: 'completed', label: 'Completed' },
];
export const STAGE_INDEX = Object.fromEntries(STAGES.map((s, i) => [s.status, i]));

export const STATUS_LABELS = {
  pending: 'Pending',
  validating: 'Validating',
  inventory_check: 'Checking inventory',
  payment_processing: 'Processing payment',
  shipping: 'Shipping',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
export const CANCELLABLE = new Set(['pending', 'validating', 'inventory_check', 'payment_processing']);

/** The statuses an order is still moving through, in the saga's order. */
export const IN_FLIGHT = STATUSES.filter((s) => !TERMINAL.has(s));
