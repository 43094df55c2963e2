package io.orderflow.catalog;

import java.math.BigDecimal;
import java.util.List;

/** Reply: every item is known and priced from the catalog. */
public record OrderValidated(String orderId, List<PricedItem> items, BigDecimal total, String currency)
        implements ValidationReply {

    public record PricedItem(String sku, String name, int quantity, BigDecimal unitPrice, BigDecimal lineTotal) {}
}
