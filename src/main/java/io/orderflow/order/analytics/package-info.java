/**
 * Projections of the order history: an asynchronous projector tails {@code orders.order_event} in commit-safe order
 * into read models (the first: {@code analytics}), served under {@code /api/analytics} and rebuilt from the events by
 * replay ({@code POST /api/projections/{name}/replay}, {@code java -jar orderflow.jar replay <projection>}).
 */
@NullMarked
package io.orderflow.order.analytics;

import org.jspecify.annotations.NullMarked;
