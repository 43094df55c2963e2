package io.orderflow.catalog;

import java.math.BigDecimal;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Command: check that every item exists and price the order. {@code unitPrice} is what the customer saw, if sent. */
public record ValidateOrder(String orderId, List<Item> items) {

    public record Item(String sku, int quantity, @Nullable BigDecimal unitPrice) {}
}
