package io.orderflow.order;

import java.util.List;

/** Lifecycle event: an order was accepted. Starts the fulfilment saga; notification greets the customer. */
public record OrderPlaced(String orderId, String customerEmail, List<Item> items) {

    public record Item(String sku, int quantity) {}
}
