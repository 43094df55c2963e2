package io.orderflow.catalog;

import static java.util.Objects.requireNonNull;

import io.orderflow.inventory.StockLevelsChanged;
import io.orderflow.messaging.MessageContext;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.DataClassRowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

@Component
class Catalog {

    private final JdbcClient jdbc;
    private final ProductCache cache;

    Catalog(JdbcClient jdbc, ProductCache cache) {
        this.jdbc = jdbc;
        this.cache = cache;
    }

    List<Product> products() {
        List<Product> cached = cache.listing();
        if (cached != null) {
            return cached;
        }
        List<Product> products = jdbc.sql(
                        "select sku, name, description, price, currency, available from catalog.product order by sku")
                .query(new DataClassRowMapper<>(Product.class))
                .list();
        cache.listingRead(products);
        return products;
    }

    void validate(ValidateOrder command, MessageContext context) {
        context.send(validate(command));
    }

    /** Prices the order from the catalog, or rejects it; reads only. */
    ValidationReply validate(ValidateOrder command) {
        return Pricing.price(
                command,
                products(command.items().stream()
                        .map(ValidateOrder.Item::sku)
                        .distinct()
                        .toList()));
    }

    /** The products of these SKUs, by SKU (an unknown one is left out); from the cache where it has them. */
    Map<String, Product> products(List<String> skus) {
        Map<String, Product> known = new HashMap<>(cache.prices(skus));
        if (known.size() < skus.size()) {
            List<String> missing =
                    skus.stream().filter(sku -> !known.containsKey(sku)).toList();
            // an unknown SKU is not cached: a product added later is found at once. Read as a list, not a stream: a
            // stream holds its connection until it is closed, and outside a transaction (the HTTP listing) nothing
            // else would give it back
            Map<String, Product> read = jdbc
                    .sql("select sku, name, description, price, currency, available "
                            + "from catalog.product where sku = any(?)")
                    .param(missing.toArray(String[]::new))
                    .query(new DataClassRowMapper<>(Product.class))
                    .list()
                    .stream()
                    .collect(Collectors.toMap(Product::sku, Function.identity()));
            if (!read.isEmpty()) {
                cache.pricesRead(read.values());
            }
            known.putAll(read);
        }
        return known;
    }

    void updateStock(StockLevelsChanged event) {
        // the newest level of each SKU (a change names each once; a join with two rows of one SKU would pick either)
        List<StockLevelsChanged.Level> levels = List.copyOf(event.levels().stream()
                .collect(Collectors.toMap(
                        StockLevelsChanged.Level::sku,
                        Function.identity(),
                        (a, b) -> a.version() >= b.version() ? a : b))
                .values());
        if (levels.isEmpty()) {
            return;
        }
        String[] skus = new String[levels.size()];
        Integer[] available = new Integer[levels.size()];
        Long[] versions = new Long[levels.size()];
        for (int i = 0; i < levels.size(); i++) {
            skus[i] = levels.get(i).sku();
            available[i] = levels.get(i).available();
            versions[i] = levels.get(i).version();
        }
        // one statement for the change's levels: its rows are locked first, in SKU order, so two consumers applying
        // changes of the same SKUs lock them in the same order; stock events may arrive out of order across
        // consumers, and the newest version wins
        int changed = jdbc.sql("with locked as (select sku from catalog.product where sku = any(?) order by sku "
                        + "for update) update catalog.product p set available = l.available, stock_version = l.version "
                        + "from unnest(?::text[], ?::int[], ?::bigint[]) as l(sku, available, version) "
                        + "join locked k on k.sku = l.sku where p.sku = l.sku and p.stock_version < l.version")
                .params(skus, skus, available, versions)
                .update();
        if (changed > 0) {
            cache.stockChanged();
        }
    }

    /** Pricing rules, apart from storage so they can be tested on their own. */
    static final class Pricing {

        private Pricing() {}

        /** The item names a unit price (the one the customer was shown) and the product costs something else. */
        static boolean statesAnotherPrice(ValidateOrder.Item item, Product product) {
            return item.unitPrice() != null && item.unitPrice().compareTo(product.price()) != 0;
        }

        static ValidationReply price(ValidateOrder command, Map<String, Product> catalog) {
            List<String> unknown = command.items().stream()
                    .map(ValidateOrder.Item::sku)
                    .filter(sku -> !catalog.containsKey(sku))
                    .distinct()
                    .toList();
            if (!unknown.isEmpty()) {
                return new OrderRejected(
                        command.orderId(), "unknown_sku", "Unknown SKU(s): " + String.join(", ", unknown));
            }
            List<OrderValidated.PricedItem> priced = new ArrayList<>();
            BigDecimal total = BigDecimal.ZERO;
            String currency = null;
            for (ValidateOrder.Item item : command.items()) {
                Product product = requireNonNull(catalog.get(item.sku()), "an unknown SKU was refused above");
                if (statesAnotherPrice(item, product)) {
                    return new OrderRejected(
                            command.orderId(),
                            "price_changed",
                            item.sku() + " costs " + product.price() + " " + product.currency() + ", not "
                                    + item.unitPrice());
                }
                if (currency != null && !currency.equals(product.currency())) {
                    return new OrderRejected(
                            command.orderId(),
                            "mixed_currencies",
                            "All items of an order must be priced in one currency");
                }
                currency = product.currency();
                BigDecimal lineTotal = product.price().multiply(BigDecimal.valueOf(item.quantity()));
                priced.add(new OrderValidated.PricedItem(
                        item.sku(), product.name(), item.quantity(), product.price(), lineTotal));
                total = total.add(lineTotal);
            }
            return new OrderValidated(
                    command.orderId(),
                    priced,
                    total,
                    requireNonNull(currency, "placement refuses an order without items, so one set the currency"));
        }
    }
}
