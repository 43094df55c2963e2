package io.orderflow.peer.order;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/orders} places an order, {@code GET /api/orders/{id}} reads its status. */
@RestController
class OrderController {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record PlaceOrder(
            String orderId, String customerEmail, List<Item> items, Payment payment, Address shippingAddress) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Item(String sku, int quantity) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Payment(String cardToken) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Address(String country) {}

    private final Orders orders;

    OrderController(Orders orders) {
        this.orders = orders;
    }

    @PostMapping("/api/orders")
    ResponseEntity<Map<String, Object>> place(@RequestBody PlaceOrder request) {
        Orders.Placed placed = orders.place(request);
        return ResponseEntity.status(placed.created() ? HttpStatus.ACCEPTED : HttpStatus.OK)
                .header("Location", "/api/orders/" + placed.id())
                .body(Map.of("id", placed.id(), "status", placed.status()));
    }

    @GetMapping("/api/orders/{id}")
    ResponseEntity<?> status(@PathVariable String id) {
        return orders.status(id)
                .<ResponseEntity<?>>map(status -> ResponseEntity.ok(Map.of("id", id, "status", status)))
                .orElseGet(() -> ResponseEntity.of(
                                ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "no order " + id))
                        .build());
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail invalid(IllegalArgumentException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(422), e.getMessage());
    }
}
