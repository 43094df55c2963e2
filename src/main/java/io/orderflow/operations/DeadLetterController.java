package io.orderflow.operations;

import io.orderflow.messaging.deadletter.DeadLetterDetail;
import io.orderflow.messaging.deadletter.DeadLetterFilter;
import io.orderflow.messaging.deadletter.DeadLetters;
import io.orderflow.operations.DeadLetterViews.BulkResult;
import io.orderflow.operations.DeadLetterViews.Counts;
import io.orderflow.operations.DeadLetterViews.Page;
import io.orderflow.platform.ApiProblem;
import io.orderflow.platform.ConditionalOnAnyModule;
import io.orderflow.platform.RejectUnknownFields;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The dead-letter console's API, for the modules this process runs ({@code orderflow.modules}); in distributed
 * mode each module's process serves its own. Only operators reach it (see the platform's security rules); the
 * audit names the authenticated operator client and, when given, the person in {@code X-Operator}. What the
 * store refuses becomes problem+json in {@link DeadLetterProblems}.
 */
@RestController
@ConditionalOnAnyModule
@RequestMapping("/api/dead-letters")
class DeadLetterController {

    static final String OPERATOR_HEADER = "X-Operator";

    private final DeadLetters deadLetters;
    private final BulkRedrive bulk;

    DeadLetterController(DeadLetters deadLetters, BulkRedrive bulk) {
        this.deadLetters = deadLetters;
        this.bulk = bulk;
    }

    @GetMapping
    Page list(
            @RequestParam(required = false) @Size(max = 32) String module,
            @RequestParam(required = false) @Size(max = 200) String type,
            @RequestParam(name = "order_id", required = false) @Size(max = 64) String orderId,
            @RequestParam(defaultValue = "parked") String status,
            @RequestParam(name = "parked_after", required = false) String parkedAfter,
            @RequestParam(name = "parked_before", required = false) String parkedBefore,
            @RequestParam(defaultValue = "0") @Min(0) @Max(100_000) int page,
            @RequestParam(defaultValue = "20") @Min(1) @Max(200) int size) {
        DeadLetterFilter filter = new DeadLetterFilter(
                blankToNull(module),
                blankToNull(type),
                blankToNull(orderId),
                status(status),
                instant("parked_after", parkedAfter),
                instant("parked_before", parkedBefore));
        DeadLetters.Listing listing = deadLetters.list(filter, page, size);
        return new Page(listing.items(), page, size, listing.total(), listing.modules());
    }

    /** Per module, how many dead letters are parked, re-driven and discarded. */
    @GetMapping("/counts")
    Counts counts() {
        return new Counts(deadLetters.counts());
    }

    @GetMapping("/{module}/{id}")
    DeadLetterDetail inspect(@PathVariable @Size(max = 32) String module, @PathVariable long id) {
        return deadLetters.inspect(module, id);
    }

    @PostMapping("/{module}/{id}/redrive")
    DeadLetterDetail redrive(
            @PathVariable @Size(max = 32) String module,
            @PathVariable long id,
            @RequestHeader(name = OPERATOR_HEADER, required = false) String operator) {
        return deadLetters.redrive(module, id, operator(operator));
    }

    @RejectUnknownFields
    record DiscardRequest(@NotBlank @Size(max = 1000) String reason) {}

    @PostMapping("/{module}/{id}/discard")
    DeadLetterDetail discard(
            @PathVariable @Size(max = 32) String module,
            @PathVariable long id,
            @RequestHeader(name = OPERATOR_HEADER, required = false) String operator,
            @Valid @RequestBody DiscardRequest request) {
        return deadLetters.discard(
                module, id, operator(operator), request.reason().strip());
    }

    /** The filter of a bulk re-drive; {@code limit} bounds one call (default 100). Only parked ones are taken. */
    @RejectUnknownFields
    record BulkRedriveRequest(
            @Size(max = 32) String module,
            @Size(max = 200) String type,
            @Size(max = 64) String orderId,
            Instant parkedAfter,
            Instant parkedBefore,
            @Min(1) Integer limit) {}

    @PostMapping("/redrive")
    BulkResult redriveAll(
            @RequestHeader(name = OPERATOR_HEADER, required = false) String operator,
            @Valid @RequestBody BulkRedriveRequest request) {
        int limit = request.limit() == null ? Math.min(100, bulk.maxBatch()) : request.limit();
        if (limit > bulk.maxBatch()) {
            throw invalid(
                    "limit", "must be at most " + bulk.maxBatch() + " (orderflow.dead-letters.redrive-max-batch)");
        }
        DeadLetterFilter filter = new DeadLetterFilter(
                blankToNull(request.module()),
                blankToNull(request.type()),
                blankToNull(request.orderId()),
                DeadLetters.PARKED,
                request.parkedAfter(),
                request.parkedBefore());
        return bulk.redriveAll(filter, limit, operator(operator));
    }

    /** Who acts, for the audit: the authenticated operator client, and the person it names in X-Operator, if any. */
    static String operator(@Nullable String header) {
        return operator(
                SecurityContextHolder.getContext().getAuthentication() == null
                        ? null
                        : SecurityContextHolder.getContext().getAuthentication().getName(),
                header);
    }

    static String operator(@Nullable String client, @Nullable String header) {
        String who = client == null || client.isBlank() ? "anonymous" : clean(client);
        String person = header == null ? "" : clean(header);
        return person.isEmpty() ? who : person + " (client " + who + ")";
    }

    private static String clean(String value) {
        String cleaned = value.replaceAll("\\p{Cntrl}", "").strip();
        return cleaned.length() > 100 ? cleaned.substring(0, 100) : cleaned;
    }

    private static @Nullable String status(String status) {
        if ("all".equals(status)) {
            return null;
        }
        if (!DeadLetters.STATUSES.contains(status)) {
            throw invalid("status", "must be one of parked, redriven, discarded, all");
        }
        return status;
    }

    private static @Nullable Instant instant(String field, @Nullable String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw invalid(field, "must be an ISO-8601 instant, e.g. 2025-01-31T12:00:00Z");
        }
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static ApiProblem invalid(String field, String message) {
        return ApiProblem.invalid(field, message);
    }
}
