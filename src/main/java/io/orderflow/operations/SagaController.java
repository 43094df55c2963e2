package io.orderflow.operations;

import io.orderflow.order.OrderManagement;
import io.orderflow.order.SagaDiagram;
import io.orderflow.platform.ConditionalOnModule;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Runs with the order module, whose saga it draws (the gateway routes {@code /api/operations/**} there). */
@RestController
@ConditionalOnModule("order")
class SagaController {

    private final OrderManagement orders;

    SagaController(OrderManagement orders) {
        this.orders = orders;
    }

    /** The saga's state diagram, from its definition in code, with live counts per state. */
    @GetMapping("/api/operations/saga")
    SagaDiagram saga() {
        return orders.sagaDiagram();
    }
}
