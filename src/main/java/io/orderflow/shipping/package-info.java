/**
 * Shipping: shipments with tracking numbers against a simulated carrier. The carrier serves every country
 * but {@code ZZ}, which exists to exercise the refund path.
 */
package io.orderflow.shipping;
