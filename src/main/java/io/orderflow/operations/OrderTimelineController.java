package io.orderflow.operations;

import io.orderflow.messaging.Journal;
import io.orderflow.platform.ConditionalOnModule;
import jakarta.validation.constraints.Size;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * One order's timeline for operators: every message hop, retry, dead letter, compensation, history event and
 * notification of the order, in causal order, with a summary ({@link OrderTimelines}). Operators only (any
 * {@code /api/**} path the security rules do not open is theirs). Runs with the order module: the gateway routes
 * {@code /api/orders/**} there, and it reads the other modules' tables from the shared database.
 *
 * <p>The journal is written in batches (by default): this process writes what it has buffered before it reads, so
 * in the embedded mode the timeline is complete the moment the order is; another process's last entries arrive
 * within its {@code orderflow.journal.flush-interval}.
 */
@RestController
@ConditionalOnModule("order")
class OrderTimelineController {

    private final OrderTimelines timelines;
    private final Journal journal;

    OrderTimelineController(OrderTimelines timelines, Journal journal) {
        this.timelines = timelines;
        this.journal = journal;
    }

    /** 404 (problem+json) for an order that does not exist. */
    @GetMapping("/api/orders/{id}/timeline")
    Timeline.View timeline(@PathVariable @Size(max = 64) String id) {
        journal.flush(); // before the timeline's snapshot is taken, in a transaction of its own
        return timelines.timeline(id);
    }
}
