/**
 * Live order updates over WebSocket: each client is sent its order's history past what it has seen, in order,
 * with nothing skipped; the all-orders feed is for operators and signed-in customers.
 */
@NullMarked
package io.orderflow.order.web.live;

import org.jspecify.annotations.NullMarked;
