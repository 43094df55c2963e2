package io.orderflow.compat;

import static java.util.Objects.requireNonNull;

import io.orderflow.order.OrderManagement;
import io.orderflow.order.OrderView;
import io.orderflow.platform.ApiProblem;
import io.orderflow.platform.security.Caller;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.ModelAndView;
import tools.jackson.databind.json.JsonMapper;

/**
 * The seeds' clients' own paths, over the same order pipeline as {@code /api/orders}: guests (no token), the same
 * rate limits, the same refusal when the shop is full. One {@code POST /orders} takes every seed's body and tells them
 * apart by their fields; {@code GET /orders/{id}} answers in the words of the seed that placed the order.
 */
@RestController
class SeedOrderController {

    private final OrderManagement orders;
    private final SeedOrders seedOrders;
    private final TransactionTemplate tx;
    private final JsonMapper json;

    SeedOrderController(OrderManagement orders, SeedOrders seedOrders, TransactionTemplate tx, JsonMapper json) {
        this.orders = orders;
        this.seedOrders = seedOrders;
        this.tx = tx;
        this.json = json;
    }

    /** What to answer: the JSON text sent at first, the same text again for a repeated request. */
    private record Answer(String json, String publicId, boolean replayed) {}

    /**
     * Places the order: 200 with it as the seed's client expects it. 004's client chooses the order's id: the same
     * request sent again gets the first answer again ({@code Idempotent-Replayed: true}), another request under that
     * id a 409.
     */
    @PostMapping(path = "/orders", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<String> place(@Valid @RequestBody SeedOrderRequest request) {
        SeedOrder order = request.understand();
        Caller caller = Caller.current();
        orders.refuseIfFull(); // before a database connection is taken
        Answer answer;
        try {
            answer = requireNonNull(tx.execute(status -> placeOrReplay(order, caller)));
        } finally {
            orders.leave();
        }
        ResponseEntity.BodyBuilder response = ResponseEntity.ok()
                .location(URI.create("/orders/" + answer.publicId()))
                .contentType(MediaType.APPLICATION_JSON);
        if (answer.replayed()) {
            response.header("Idempotent-Replayed", "true");
        }
        return response.body(answer.json());
    }

    private Answer placeOrReplay(SeedOrder order, Caller caller) {
        String clientOrderId = order.clientOrderId();
        if (clientOrderId != null && !seedOrders.claim(clientOrderId, order)) {
            return replay(clientOrderId, order, caller);
        }
        OrderView placed = orders.place(order.toNewOrder(), caller, null).order();
        String publicId = clientOrderId != null ? clientOrderId : placed.id();
        String answer = json.writeValueAsString(
                SeedViews.placed(order.seed(), publicId, json.valueToTree(order.said()), placed));
        if (clientOrderId != null) {
            seedOrders.bind(clientOrderId, placed.id(), answer);
        } else {
            seedOrders.add(placed.id(), order, answer);
        }
        return new Answer(answer, publicId, false);
    }

    /** The first answer, to the same request from someone who may see its order; 409 to anything else. */
    private Answer replay(String clientOrderId, SeedOrder order, Caller caller) {
        return seedOrders
                .find(clientOrderId)
                .filter(first ->
                        first.seed() == order.seed() && first.fingerprint().equals(order.fingerprint()))
                .filter(first -> orders.ownership(first.orderId())
                        .map(o -> o.admits(caller, null))
                        .orElse(false))
                .map(first -> new Answer(first.answer(), clientOrderId, true))
                .orElseThrow(() -> new ApiProblem(
                        HttpStatus.CONFLICT,
                        "order-id-taken",
                        "The order id '" + clientOrderId + "' is taken by another order; choose another order_id "
                                + "(the same request sent again gets the first answer)",
                        Map.of("order_id", clientOrderId)));
    }

    /** The order in the words of the seed that placed it, to whoever may see it (a guest order: anyone with its id). */
    @GetMapping("/orders/{id}")
    ResponseEntity<Object> order(@PathVariable @Size(max = 64) String id) {
        Caller caller = Caller.current();
        // not found, whether there is no such order or it is someone else's (and by the client's id, not orderflow's)
        SeedOrders.Row row = seedOrders
                .find(id)
                .filter(r -> orders.ownership(r.orderId())
                        .map(o -> o.admits(caller, null))
                        .orElse(false))
                .orElseThrow(() -> ApiProblem.notFound("Order", id));
        OrderView order = orders.find(row.orderId(), caller, null);
        return ResponseEntity.ok()
                .cacheControl(CacheControl.noCache().cachePrivate())
                .body(SeedViews.current(row.seed(), id, row.said(), order));
    }

    /** 004's health check: the same answer as {@code /api/health}. */
    @GetMapping("/health")
    ModelAndView health() {
        return new ModelAndView("forward:/api/health");
    }
}
