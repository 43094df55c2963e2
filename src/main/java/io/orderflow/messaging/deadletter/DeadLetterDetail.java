package io.orderflow.messaging.deadletter;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** Everything kept about a parked message, and what operators have done with it. */
public record DeadLetterDetail(
        String module,
        long id,
        UUID messageId,
        String type,
        int version,
        @Nullable String orderId,
        @Nullable UUID causationId,
        @Nullable Instant occurredAt,
        String payload,
        Map<String, Object> headers,
        String error,
        @Nullable String stack,
        int attempts,
        Instant firstFailedAt,
        Instant lastFailedAt,
        Instant parkedAt,
        String status,
        @Nullable Instant statusChangedAt,
        List<Action> actions,
        List<Long> otherParkingsOfThisMessage) {

    /** An audit record: who did what to the dead letter, when and why. */
    public record Action(
            long id,
            String action,
            String operator,
            @Nullable String reason,
            @Nullable UUID bulkId,
            Instant at) {}

    DeadLetterDetail withHistory(List<Action> newActions, List<Long> otherParkings) {
        return new DeadLetterDetail(
                module,
                id,
                messageId,
                type,
                version,
                orderId,
                causationId,
                occurredAt,
                payload,
                headers,
                error,
                stack,
                attempts,
                firstFailedAt,
                lastFailedAt,
                parkedAt,
                status,
                statusChangedAt,
                newActions,
                otherParkings);
    }
}
