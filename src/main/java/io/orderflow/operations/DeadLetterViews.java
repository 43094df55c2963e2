package io.orderflow.operations;

import io.orderflow.messaging.deadletter.DeadLetterRef;
import io.orderflow.messaging.deadletter.DeadLetterSummary;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the dead-letter API answers with (snake_case on the wire), around the kernel's own records: one dead
 * letter is a {@link io.orderflow.messaging.deadletter.DeadLetterDetail}, one row a {@link DeadLetterSummary}.
 */
final class DeadLetterViews {

    private DeadLetterViews() {}

    record Page(List<DeadLetterSummary> items, int page, int size, long totalElements, List<String> modules) {}

    record Failure(String module, long id, String error) {}

    /** The outcome of a bulk re-drive: what matched, what was put back, what was left for another call. */
    record BulkResult(
            UUID bulkId,
            long matched,
            List<DeadLetterRef> redriven,
            List<DeadLetterRef> skipped,
            List<Failure> failed,
            long remaining,
            double ratePerSecond,
            int limit) {}

    record Counts(Map<String, Map<String, Long>> modules) {}
}
