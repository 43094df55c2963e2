package io.orderflow.messaging.deadletter;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Which dead letters a listing or a bulk re-drive is about. Every field is optional; {@code status} is one of
 * {@link DeadLetters#STATUSES} or null for any.
 *
 * @param parkedAfter inclusive
 * @param parkedBefore exclusive
 */
public record DeadLetterFilter(
        @Nullable String module,
        @Nullable String type,
        @Nullable String orderId,
        @Nullable String status,
        @Nullable Instant parkedAfter,
        @Nullable Instant parkedBefore) {

    DeadLetterFilter withStatus(@Nullable String newStatus) {
        return new DeadLetterFilter(module, type, orderId, newStatus, parkedAfter, parkedBefore);
    }
}
