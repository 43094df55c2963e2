package io.orderflow.order;

import io.orderflow.shipping.ShippingAddress;
import java.math.BigDecimal;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An order as the customer asks for it. {@code unitPrice} is the price they saw, checked against the catalog. The id
 * (chosen for them when absent), the card (the default test card) and the address are optional. So is the e-mail
 * address, for clients that have none to give (the seeds' clients, see {@code io.orderflow.compat}): such an order
 * is fulfilled like any other, but raises no lifecycle events, which exist to tell the customer.
 */
public record NewOrder(
        @Nullable String orderId,
        @Nullable String customerEmail,
        List<Item> items,
        @Nullable String cardToken,
        @Nullable ShippingAddress shippingAddress) {

    public record Item(String sku, int quantity, @Nullable BigDecimal unitPrice) {}
}
