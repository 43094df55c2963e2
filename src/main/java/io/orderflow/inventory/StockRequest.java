package io.orderflow.inventory;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What an order wants, one quantity per SKU in SKU order (the order its stock rows are locked in, so
 * concurrent reservations cannot deadlock).
 */
record StockRequest(SortedMap<String, Integer> quantities) {

    StockRequest {
        quantities = Collections.unmodifiableSortedMap(new TreeMap<>(quantities));
    }

    static StockRequest of(List<ReserveStock.Item> items) {
        SortedMap<String, Integer> quantities = new TreeMap<>();
        items.forEach(i -> quantities.merge(i.sku(), i.quantity(), Integer::sum));
        return new StockRequest(quantities);
    }

    String[] skus() {
        return quantities.keySet().toArray(String[]::new);
    }

    /** The quantities in the order of {@link #skus()}, to pass beside it as a second array. */
    Integer[] amounts() {
        return quantities.values().toArray(Integer[]::new);
    }

    /** The SKUs whose available stock falls short; any at all and nothing is reserved. */
    List<String> shortOf(Map<String, Integer> available) {
        return quantities.entrySet().stream()
                .filter(e -> available.getOrDefault(e.getKey(), 0) < e.getValue())
                .map(Map.Entry::getKey)
                .toList();
    }
}
