package io.orderflow.inventory;

import java.util.List;

/** Event: available stock changed; {@code version} grows with every change of a SKU. */
public record StockLevelsChanged(List<Level> levels) {

    public record Level(String sku, int available, long version) {}
}
