package io.orderflow.order;

import java.util.List;

/**
 * Lifecycle event: an order was accepted; notification greets the customer. Like every lifecycle event, raised only for
 * an order with an e-mail address (one placed without, by a seed's client, has nobody to tell).
 */
public record OrderPlaced(String orderId, String customerEmail, List<Item> items) {

    public record Item(String sku, int quantity) {}
}
