package io.orderflow.catalog;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The shop's catalog and the orders the catalog is asked to price: {@code anOrderOf(item(3, MOUSE))}. */
final class CatalogFixtures {

    static final Product LAPTOP = product("PROD-001", "Laptop", "999.99", "USD");
    static final Product MOUSE = product("PROD-002", "Mouse", "29.99", "USD");
    static final Product KEYBOARD = product("PROD-003", "Keyboard", "79.99", "USD");
    static final Product CABLE = product("PROD-005", "USB-C cable", "0.10", "USD");
    static final Product STICKER = product("PROD-006", "Sticker", "0.20", "USD");
    static final Product EURO_ADAPTER = product("PROD-100", "Plug adapter", "4.99", "EUR");

    static final String ORDER_ID = "ord-42";

    private CatalogFixtures() {}

    static Product product(String sku, String name, String price, String currency) {
        return new Product(sku, name, name + " (demo)", new BigDecimal(price), currency, 100);
    }

    /** The catalog as {@code Pricing} sees it: the known products by SKU. */
    static Map<String, Product> aCatalogOf(Product... products) {
        return Arrays.stream(products).collect(Collectors.toMap(Product::sku, Function.identity()));
    }

    static Map<String, Product> theDemoCatalog() {
        return aCatalogOf(LAPTOP, MOUSE, KEYBOARD, CABLE, STICKER);
    }

    static ValidateOrder anOrderOf(ValidateOrder.Item... items) {
        return new ValidateOrder(ORDER_ID, List.of(items));
    }

    /** An item the customer ordered without sending a price. */
    static ValidateOrder.Item item(int quantity, Product product) {
        return new ValidateOrder.Item(product.sku(), quantity, null);
    }

    /** An item the customer ordered at the price they saw. */
    static ValidateOrder.Item item(int quantity, Product product, String priceTheCustomerSaw) {
        return new ValidateOrder.Item(product.sku(), quantity, new BigDecimal(priceTheCustomerSaw));
    }

    static ValidateOrder.Item item(int quantity, String unknownSku) {
        return new ValidateOrder.Item(unknownSku, quantity, null);
    }
}
