package io.orderflow.order.web;

import io.orderflow.order.OrderManagement;
import io.orderflow.order.SagaDiagram;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class OperationsController {

    private final OrderManagement orders;

    OperationsController(OrderManagement orders) {
        this.orders = orders;
    }

    /** The saga's state diagram, from its definition in code, with live counts per state. */
    @GetMapping("/api/operations/saga")
    SagaDiagram saga() {
        return orders.sagaDiagram();
    }
}
