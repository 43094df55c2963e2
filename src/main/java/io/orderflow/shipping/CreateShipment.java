package io.orderflow.shipping;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** Command: ship the order's items; {@code address} is absent when the customer gave none. */
public record CreateShipment(String orderId, @Nullable ShippingAddress address, List<Item> items) {

    public record Item(String sku, int quantity) {}
}
