package io.orderflow.operations;

import io.orderflow.platform.ConditionalOnModule;
import jakarta.validation.constraints.Size;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * One order's timeline for operators: every message hop, retry, dead letter, compensation, history event and
 * notification of the order, in causal order, with a summary ({@link OrderTimelines}). Operators only (any
 * {@code /api/**} path the security rules do not open is theirs). Runs with the order module: the gateway routes
 * {@code /api/orders/**} there, and it reads the other modules' tables from the shared database.
 */
@RestController
@ConditionalOnModule("order")
@Validated
class OrderTimelineController {

    private final OrderTimelines timelines;

    OrderTimelineController(OrderTimelines timelines) {
        this.timelines = timelines;
    }

    /** 404 (problem+json) for an order that does not exist. */
    @GetMapping("/api/orders/{id}/timeline")
    Timeline.View timeline(@PathVariable @Size(max = 64) String id) {
        return timelines.timeline(id);
    }
}
