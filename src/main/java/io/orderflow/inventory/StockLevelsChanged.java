package io.orderflow.inventory;

import java.util.List;

/**
 * Event: available stock changed; {@code version} grows with every change of a SKU's available stock (a shipment,
 * which moves reserved units to shipped, changes neither). Sent in batches (the newest level
 * of every SKU changed since the last one, {@link StockLevelsPublisher}), not with each reservation; a receiver keeps
 * the newest version of each SKU, whatever order the batches arrive in.
 */
public record StockLevelsChanged(List<Level> levels) {

    public record Level(String sku, int available, long version) {}
}
