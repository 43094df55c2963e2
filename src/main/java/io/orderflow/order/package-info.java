/**
 * Order: placement API, the order and its gap-free event history, the fulfilment saga that drives the
 * other modules, and cancellation. Publishes the order lifecycle events.
 */
@NullMarked
package io.orderflow.order;

import org.jspecify.annotations.NullMarked;
