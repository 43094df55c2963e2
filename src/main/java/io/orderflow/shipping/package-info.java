/**
 * Shipping: shipments with tracking numbers against a simulated carrier. The carrier serves every country
 * but {@code ZZ}, which exists to exercise the refund path.
 */
@NullMarked
package io.orderflow.shipping;

import org.jspecify.annotations.NullMarked;
