package io.orderflow.shipping;

import java.util.List;

public record CreateShipment(String orderId, ShippingAddress address, List<Item> items) {

    public record Item(String sku, int quantity) {}
}
