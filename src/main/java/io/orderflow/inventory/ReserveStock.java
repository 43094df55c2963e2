package io.orderflow.inventory;

import java.util.List;

/** Command: reserve every item of the order, or none. */
public record ReserveStock(String orderId, List<Item> items) {

    public record Item(String sku, int quantity) {}
}
