package io.orderflow.order.web;

import static java.util.Objects.requireNonNull;

import io.orderflow.order.HistoryPoint;
import io.orderflow.order.OrderManagement;
import io.orderflow.order.OrderPage;
import io.orderflow.order.OrderStatus;
import io.orderflow.order.OrderStatusView;
import io.orderflow.order.OrderView;
import io.orderflow.order.Placement;
import io.orderflow.platform.ApiProblem;
import io.orderflow.platform.security.Caller;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

@RestController
@RequestMapping("/api/orders")
class OrderController {

    /** The header that carries a guest order's token (never the URL: it would end up in logs and histories). */
    static final String ORDER_TOKEN = "Order-Token";

    /** How long a browser may keep the order at a sequence: it never changes, but it is personal data. */
    private static final CacheControl KEPT =
            CacheControl.maxAge(Duration.ofDays(1)).cachePrivate().immutable();

    private final OrderManagement orders;
    private final IdempotencyKeys idempotencyKeys;
    private final TransactionTemplate tx;
    private final JsonMapper json;

    OrderController(OrderManagement orders, IdempotencyKeys idempotencyKeys, TransactionTemplate tx, JsonMapper json) {
        this.orders = orders;
        this.idempotencyKeys = idempotencyKeys;
        this.tx = tx;
        this.json = json;
    }

    /**
     * Accepts an order for fulfilment: 202 with its location; 200 with the existing order when the client's
     * {@code order_id} was placed before.
     */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> place(
            @RequestHeader(name = "Idempotency-Key", required = false) @Size(min = 1, max = 255) String idempotencyKey,
            @RequestHeader(name = ORDER_TOKEN, required = false) @Size(max = 100) String orderToken,
            @Valid @RequestBody PlaceOrderRequest request) {
        Caller caller = Caller.current();
        if (idempotencyKey == null) {
            orders.refuseIfFull(); // before a database connection is taken
            try {
                return respond(orders.place(request.toNewOrder(), caller, orderToken));
            } finally {
                orders.leave();
            }
        }
        // keys are per caller, as payment APIs scope them per account: nobody replays someone else's answer
        String scopedKey = (caller.isGuest() ? "guest" : caller.subject()) + ":" + idempotencyKey;
        var stored = idempotencyKeys.claim(scopedKey, hash(request));
        if (stored.isPresent()) {
            var response = stored.get();
            var replay = ResponseEntity.status(response.status());
            if (response.location() != null) {
                replay.location(URI.create(response.location()));
            }
            return replay.header("Idempotent-Replayed", "true")
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(response.body());
        }
        try {
            // the participants' read-only steps are asked before the transaction holds a connection (ADR 0021)
            OrderManagement.Started started = orders.start(request.toNewOrder());
            return tx.execute(status -> {
                ResponseEntity<OrderView> response = respond(orders.place(started, caller, orderToken));
                idempotencyKeys.complete(
                        scopedKey,
                        response.getStatusCode().value(),
                        json.writeValueAsString(response.getBody()),
                        requireNonNull(response.getHeaders().getLocation(), "a placed order has a location")
                                .toString());
                return response;
            });
        } catch (RuntimeException e) {
            idempotencyKeys.release(scopedKey);
            throw e;
        }
    }

    /**
     * One order with its history, to its customer, an operator, or (a guest order) whoever holds its id or order
     * token. Conditional: the {@code ETag} is the order's version, and {@code If-None-Match} with the current one
     * answers 304 without reading the order. With {@code at_sequence=N} or {@code as_of=<RFC 3339 instant>}, the
     * order as it was then (time travel, see {@link #orderAt}).
     */
    @GetMapping("/{id}")
    ResponseEntity<OrderView> order(
            @PathVariable @Size(max = 64) String id,
            @RequestParam(name = "as_of", required = false) @Size(max = 64) String asOf,
            @RequestParam(name = "at_sequence", required = false) @Size(max = 16) String atSequence,
            @RequestHeader(name = ORDER_TOKEN, required = false) @Size(max = 100) String orderToken,
            @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) @Size(max = 200) String ifNoneMatch) {
        Caller caller = Caller.current();
        if (asOf != null || atSequence != null) {
            return orderAt(id, historyPoint(asOf, atSequence), caller, orderToken, ifNoneMatch);
        }
        if (ifNoneMatch != null) {
            OrderStatusView now = orders.status(id, caller, orderToken);
            if (matches(ifNoneMatch, now.etag())) {
                return notModified(now.etag());
            }
        }
        OrderView order = orders.find(id, caller, orderToken);
        return revalidated(OrderStatusView.etag(order.version())).body(order);
    }

    /**
     * Time travel: the order as it was at a point of its history, folded from its events, in the shape of the plain
     * read, its history cut at that point. The {@code ETag} is the version answered (the plain read of the same
     * version has the same one). The order at a sequence never changes (history is only appended to), so that answer
     * may be kept a day without asking again; an {@code as_of} answer may still change (an event can commit after the
     * instant it records), so it is revalidated like the plain read.
     */
    private ResponseEntity<OrderView> orderAt(
            String id, HistoryPoint point, Caller caller, String orderToken, String ifNoneMatch) {
        Integer sequence = point.sequence();
        if (sequence != null && ifNoneMatch != null) {
            OrderStatusView now = orders.status(id, caller, orderToken);
            String etag = OrderStatusView.etag(sequence);
            if (sequence <= now.version() && matches(ifNoneMatch, etag)) {
                return ResponseEntity.status(HttpStatus.NOT_MODIFIED)
                        .eTag(etag)
                        .cacheControl(KEPT)
                        .varyBy(HttpHeaders.AUTHORIZATION, ORDER_TOKEN)
                        .build();
            }
        }
        OrderView order = orders.findAt(id, point, caller, orderToken);
        String etag = OrderStatusView.etag(order.version());
        if (sequence == null && ifNoneMatch != null && matches(ifNoneMatch, etag)) {
            return notModified(etag);
        }
        if (sequence == null) {
            return revalidated(etag).body(order);
        }
        return ResponseEntity.ok()
                .eTag(etag)
                .cacheControl(KEPT)
                .varyBy(HttpHeaders.AUTHORIZATION, ORDER_TOKEN)
                .body(order);
    }

    /** The point asked for: exactly one of {@code as_of} (an RFC 3339 instant) and {@code at_sequence} (from 1). */
    static HistoryPoint historyPoint(@Nullable String asOf, @Nullable String atSequence) {
        if (asOf != null && atSequence != null) {
            throw ApiProblem.invalid("at_sequence", "must not be given together with as_of: ask for one point in time");
        }
        if (atSequence != null) {
            int sequence;
            try {
                sequence = Integer.parseInt(atSequence.strip());
            } catch (NumberFormatException e) {
                throw ApiProblem.invalid("at_sequence", "must be a whole number from 1 up, the sequence of an event");
            }
            if (sequence < 1) {
                throw ApiProblem.invalid("at_sequence", "must be 1 or more: an order's history starts at sequence 1");
            }
            return HistoryPoint.atSequence(sequence);
        }
        try {
            return HistoryPoint.asOf(
                    OffsetDateTime.parse(requireNonNull(asOf).strip()).toInstant());
        } catch (DateTimeParseException e) {
            throw ApiProblem.invalid(
                    "as_of",
                    "must be an RFC 3339 instant with a time zone offset, e.g. 2026-12-01T15:04:05.123Z "
                            + "(a + in the offset is %2B in a URL)");
        }
    }

    /**
     * Where the order stands (status, version, failure reason), for clients that poll: a small answer, and with
     * {@code If-None-Match} a 304 until something happens. A WebSocket ({@code /ws/orders/{id}}) is better still:
     * it pushes each step as it happens.
     */
    @GetMapping("/{id}/status")
    ResponseEntity<OrderStatusView> status(
            @PathVariable @Size(max = 64) String id,
            @RequestHeader(name = ORDER_TOKEN, required = false) @Size(max = 100) String orderToken,
            @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) @Size(max = 200) String ifNoneMatch) {
        OrderStatusView now = orders.status(id, Caller.current(), orderToken);
        if (ifNoneMatch != null && matches(ifNoneMatch, now.etag())) {
            return notModified(now.etag());
        }
        return revalidated(now.etag()).body(now);
    }

    /** {@code If-None-Match}: a list of entity tags, weak or strong, or {@code *}. */
    static boolean matches(String ifNoneMatch, String etag) {
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.strip();
            if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    private static <T> ResponseEntity<T> notModified(String etag) {
        return ResponseEntity.status(HttpStatus.NOT_MODIFIED)
                .eTag(etag)
                .cacheControl(CacheControl.noCache().cachePrivate())
                .build();
    }

    /** Personal data: a browser may keep it, only to ask again each time whether it changed. */
    private static ResponseEntity.BodyBuilder revalidated(String etag) {
        return ResponseEntity.ok()
                .eTag(etag)
                .cacheControl(CacheControl.noCache().cachePrivate());
    }

    /** Every order (operators only; a customer's own are at /api/customers/me/orders). */
    @GetMapping
    OrderPage list(
            @RequestParam(required = false) String status,
            @RequestParam(name = "customer_email", required = false) @Size(max = 254) String customerEmail,
            @RequestParam(defaultValue = "0") @Min(0) @Max(100_000) int page,
            @RequestParam(defaultValue = "20") @Min(1) @Max(200) int size) {
        return orders.list(status == null ? null : parseStatus(status), customerEmail, null, page, size);
    }

    @PostMapping("/{id}/cancel")
    OrderView cancel(
            @PathVariable @Size(max = 64) String id,
            @RequestHeader(name = ORDER_TOKEN, required = false) @Size(max = 100) String orderToken) {
        return orders.cancel(id, Caller.current(), orderToken);
    }

    private static ResponseEntity<OrderView> respond(Placement placement) {
        URI location = URI.create("/api/orders/" + placement.order().id());
        return ResponseEntity.status(placement.created() ? HttpStatus.ACCEPTED : HttpStatus.OK)
                .location(location)
                .body(placement.order());
    }

    static OrderStatus parseStatus(String status) {
        try {
            return OrderStatus.fromWireName(status);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalid(
                    "status",
                    "must be one of pending, validating, inventory_check, "
                            + "payment_processing, shipping, completed, failed, cancelled");
        }
    }

    private String hash(PlaceOrderRequest request) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(json.writeValueAsString(request).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
