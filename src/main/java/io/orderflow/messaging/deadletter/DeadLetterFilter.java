package io.orderflow.messaging.deadletter;

import java.time.Instant;

/**
 * Which dead letters a listing or a bulk re-drive is about. Every field is optional; {@code status} is one of
 * {@link DeadLetters#STATUSES} or null for any.
 *
 * @param parkedAfter inclusive
 * @param parkedBefore exclusive
 */
public record DeadLetterFilter(
        String module, String type, String orderId, String status, Instant parkedAfter, Instant parkedBefore) {

    DeadLetterFilter withStatus(String newStatus) {
        return new DeadLetterFilter(module, type, orderId, newStatus, parkedAfter, parkedBefore);
    }
}
