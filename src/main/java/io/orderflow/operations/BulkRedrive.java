package io.orderflow.operations;

import io.orderflow.messaging.deadletter.DeadLetterException;
import io.orderflow.messaging.deadletter.DeadLetterFilter;
import io.orderflow.messaging.deadletter.DeadLetterNotParkedException;
import io.orderflow.messaging.deadletter.DeadLetterRef;
import io.orderflow.messaging.deadletter.DeadLetters;
import io.orderflow.operations.DeadLetterViews.BulkResult;
import io.orderflow.operations.DeadLetterViews.Failure;
import io.orderflow.platform.ConditionalOnAnyModule;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Re-drives the parked dead letters matching a filter, oldest first, at most {@code limit} of them, paced by
 * {@code orderflow.dead-letters.redrive-rate}. Each is its own transaction: one that fails is reported and the
 * rest go on.
 */
@Component
@ConditionalOnAnyModule
class BulkRedrive {

    private static final Logger log = LoggerFactory.getLogger(BulkRedrive.class);

    private final DeadLetters deadLetters;
    private final RedriveRateLimiter limiter;
    private final int maxBatch;

    BulkRedrive(
            DeadLetters deadLetters,
            @Value("${orderflow.dead-letters.redrive-rate:10}") double redriveRate,
            @Value("${orderflow.dead-letters.redrive-max-batch:500}") int maxBatch) {
        this.deadLetters = deadLetters;
        this.limiter = new RedriveRateLimiter(redriveRate);
        this.maxBatch = maxBatch;
    }

    int maxBatch() {
        return maxBatch;
    }

    BulkResult redriveAll(DeadLetterFilter filter, int limit, String operator) {
        DeadLetters.Parked parked = deadLetters.parked(filter, limit);
        UUID bulkId = UUID.randomUUID();
        List<DeadLetterRef> redriven = new ArrayList<>();
        List<DeadLetterRef> skipped = new ArrayList<>();
        List<Failure> failed = new ArrayList<>();
        for (DeadLetterRef ref : parked.oldest()) {
            limiter.acquire();
            try {
                deadLetters.redrive(ref, operator, bulkId);
                redriven.add(ref);
            } catch (DeadLetterNotParkedException e) {
                skipped.add(ref); // re-driven or discarded meanwhile by someone else
            } catch (DeadLetterException e) {
                failed.add(new Failure(ref.module(), ref.id(), e.getMessage()));
            } catch (RuntimeException e) {
                failed.add(new Failure(ref.module(), ref.id(), rootMessage(e)));
            }
        }
        log.info(
                "{} bulk re-drive {}: {} matched, {} re-driven, {} skipped, {} failed",
                operator,
                bulkId,
                parked.matched(),
                redriven.size(),
                skipped.size(),
                failed.size());
        return new BulkResult(
                bulkId,
                parked.matched(),
                redriven,
                skipped,
                failed,
                Math.max(0, parked.matched() - parked.oldest().size()),
                limiter.ratePerSecond(),
                limit);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }
}
