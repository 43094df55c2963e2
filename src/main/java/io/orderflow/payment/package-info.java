/**
 * Payment: charges and refunds against a simulated payment provider with deterministic test cards
 * ({@code tok_visa} succeeds, {@code tok_chargeDeclined} is declined) and configurable latency and faults.
 */
@NullMarked
package io.orderflow.payment;

import org.jspecify.annotations.NullMarked;
