package io.orderflow.messaging.deadletter;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** One dead letter in a listing: enough to recognise the message and its failure (the error cut to 300 chars). */
public record DeadLetterSummary(
        String module,
        long id,
        UUID messageId,
        String type,
        @Nullable String orderId,
        String error,
        int attempts,
        Instant firstFailedAt,
        Instant lastFailedAt,
        Instant parkedAt,
        String status,
        @Nullable Instant statusChangedAt) {}
