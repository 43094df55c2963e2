package io.orderflow.messaging.deadletter;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What the dead-letter API answers with (snake_case on the wire). */
final class DeadLetterViews {

    private DeadLetterViews() {}

    /** One row of a listing: enough to recognise the message and its failure. */
    record Summary(
            String module,
            long id,
            UUID messageId,
            String type,
            String orderId,
            String error,
            int attempts,
            Instant firstFailedAt,
            Instant lastFailedAt,
            Instant parkedAt,
            String status,
            Instant statusChangedAt) {}

    record Page(List<Summary> items, int page, int size, long totalElements, List<String> modules) {}

    /** Everything kept about a parked message, and what operators have done with it. */
    record Detail(
            String module,
            long id,
            UUID messageId,
            String type,
            int version,
            String orderId,
            UUID causationId,
            Instant occurredAt,
            String payload,
            Map<String, Object> headers,
            String error,
            String stack,
            int attempts,
            Instant firstFailedAt,
            Instant lastFailedAt,
            Instant parkedAt,
            String status,
            Instant statusChangedAt,
            List<Action> actions,
            List<Long> otherParkingsOfThisMessage) {}

    /** An audit record: who did what to which dead letter, when and why. */
    record Action(long id, String action, String operator, String reason, UUID bulkId, Instant at) {}

    record Failure(String module, long id, String error) {}

    record Ref(String module, long id) {}

    /** The outcome of a bulk re-drive: what matched, what was put back, what was left for another call. */
    record BulkResult(
            UUID bulkId,
            long matched,
            List<Ref> redriven,
            List<Ref> skipped,
            List<Failure> failed,
            long remaining,
            double ratePerSecond,
            int limit) {}

    record Counts(Map<String, Map<String, Long>> modules) {}
}
