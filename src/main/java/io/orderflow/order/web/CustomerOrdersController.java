package io.orderflow.order.web;

import io.orderflow.order.OrderManagement;
import io.orderflow.order.OrderPage;
import io.orderflow.platform.security.Caller;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A signed-in customer's own orders, newest first, with the filters and paging of {@code /api/orders}. */
@RestController
class CustomerOrdersController {

    private final OrderManagement orders;

    CustomerOrdersController(OrderManagement orders) {
        this.orders = orders;
    }

    @GetMapping("/api/customers/me/orders")
    OrderPage myOrders(
            @RequestParam(required = false) String status,
            @RequestParam(defaultValue = "0") @Min(0) @Max(100_000) int page,
            @RequestParam(defaultValue = "20") @Min(1) @Max(200) int size) {
        String customerId = Caller.current().customerId().orElseThrow();
        return orders.list(status == null ? null : OrderController.parseStatus(status), null, customerId, page, size);
    }
}
