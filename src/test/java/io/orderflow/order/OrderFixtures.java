package io.orderflow.order;

import io.orderflow.catalog.OrderRejected;
import io.orderflow.catalog.OrderValidated;
import io.orderflow.inventory.StockReserved;
import io.orderflow.inventory.StockUnavailable;
import io.orderflow.payment.PaymentCharged;
import io.orderflow.payment.PaymentDeclined;
import io.orderflow.shipping.ShipmentCreated;
import io.orderflow.shipping.ShipmentFailed;
import io.orderflow.shipping.ShippingAddress;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Orders and the replies the other modules send about them, in the words of the domain:
 * {@code anOrderOf(2, LAPTOP).in(PAYMENT_PROCESSING)}, {@code stockReservedFor(order)}.
 */
final class OrderFixtures {

    /** A product as the catalog sells it. */
    record Product(String sku, String name, BigDecimal price) {}

    /** A line of an order: how many of what, and the unit price the customer saw (null when not sent). */
    record Line(int quantity, Product product, BigDecimal clientPrice) {

        BigDecimal lineTotal() {
            return product.price().multiply(BigDecimal.valueOf(quantity));
        }
    }

    static final Product LAPTOP = new Product("PROD-001", "Laptop", new BigDecimal("999.99"));
    static final Product MOUSE = new Product("PROD-002", "Mouse", new BigDecimal("29.99"));
    static final Product KEYBOARD = new Product("PROD-003", "Keyboard", new BigDecimal("79.99"));

    static final String ORDER_ID = "ord-42";
    static final String CUSTOMER = "ada@example.com";
    static final String CARD = "tok_visa";
    static final String CURRENCY = "USD";
    static final String PAYMENT_ID = "ch_4711";
    static final String TRACKING_NUMBER = "TRK0000000042";
    static final ShippingAddress ADDRESS =
            new ShippingAddress("Ada Lovelace", "12 St James's Square", "London", "SW1Y 4JH", "GB");
    static final Instant PLACED_AT = Instant.parse("2025-03-01T10:15:30Z");

    private OrderFixtures() {}

    static Line line(int quantity, Product product) {
        return new Line(quantity, product, product.price());
    }

    /** An order whose customer saw the catalog prices. */
    static Draft anOrderOf(int quantity, Product product) {
        return anOrderOf(line(quantity, product));
    }

    static Draft anOrderOf(Line... lines) {
        return new Draft(List.of(lines), CARD);
    }

    /** An order as it stands after its customer placed it, before and at any point of fulfilment. */
    static final class Draft {

        private final List<Line> lines;
        private final String cardToken;

        private Draft(List<Line> lines, String cardToken) {
            this.lines = lines;
            this.cardToken = cardToken;
        }

        /** The customer sent no unit prices: the catalog alone prices the order. */
        Draft withoutClientPrices() {
            return new Draft(
                    lines.stream()
                            .map(l -> new Line(l.quantity(), l.product(), null))
                            .toList(),
                    cardToken);
        }

        Draft paidWith(String cardToken) {
            return new Draft(lines, cardToken);
        }

        BigDecimal catalogTotal() {
            return lines.stream().map(Line::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add);
        }

        List<Order.PricedItem> pricedItems() {
            return lines.stream()
                    .map(l -> new Order.PricedItem(
                            l.product().sku(),
                            l.product().name(),
                            l.quantity(),
                            l.product().price(),
                            l.lineTotal()))
                    .toList();
        }

        Order pending() {
            return Order.place(
                    ORDER_ID,
                    CUSTOMER,
                    lines.stream()
                            .map(l -> new Order.Item(l.product().sku(), l.quantity(), l.clientPrice()))
                            .toList(),
                    cardToken,
                    ADDRESS,
                    PLACED_AT);
        }

        /**
         * The order in {@code status}, carrying what fulfilment learnt up to there (priced once validated,
         * a payment id once charged, a tracking number once shipped). Moved there by the order's own
         * transitions, not by running the saga, so each test exercises exactly one decision.
         */
        Order in(OrderStatus status) {
            Order order = pending();
            if (status == OrderStatus.PENDING) {
                return order;
            }
            if (status == OrderStatus.CANCELLED) {
                order.cancel();
                return order;
            }
            order.advanceTo(OrderStatus.VALIDATING);
            if (status == OrderStatus.VALIDATING) {
                return order;
            }
            order.priced(pricedItems(), catalogTotal(), CURRENCY);
            order.advanceTo(OrderStatus.INVENTORY_CHECK);
            if (status == OrderStatus.INVENTORY_CHECK) {
                return order;
            }
            order.advanceTo(OrderStatus.PAYMENT_PROCESSING);
            if (status == OrderStatus.PAYMENT_PROCESSING) {
                return order;
            }
            if (status == OrderStatus.FAILED) {
                order.fail("payment_declined", "card_declined");
                return order;
            }
            order.paid(PAYMENT_ID);
            order.advanceTo(OrderStatus.SHIPPING);
            if (status == OrderStatus.SHIPPING) {
                return order;
            }
            order.shipped(TRACKING_NUMBER);
            order.complete();
            return order;
        }

        /** The catalog's answer: every item known, priced at the catalog price. */
        OrderValidated validated() {
            return new OrderValidated(
                    ORDER_ID,
                    lines.stream()
                            .map(l -> new OrderValidated.PricedItem(
                                    l.product().sku(),
                                    l.product().name(),
                                    l.quantity(),
                                    l.product().price(),
                                    l.lineTotal()))
                            .toList(),
                    catalogTotal(),
                    CURRENCY);
        }
    }

    // --- replies, as the other modules send them ---------------------------------------------------------

    static OrderRejected unknownSku(String... skus) {
        return new OrderRejected(ORDER_ID, "unknown_sku", "Unknown SKU(s): " + String.join(", ", skus));
    }

    static OrderRejected priceChanged(Product product, String clientPrice) {
        return new OrderRejected(
                ORDER_ID, "price_changed", product.sku() + " costs " + product.price() + " USD, not " + clientPrice);
    }

    static StockReserved stockReserved() {
        return new StockReserved(ORDER_ID);
    }

    static StockUnavailable outOfStock(Product... products) {
        return new StockUnavailable(
                ORDER_ID,
                "insufficient_stock",
                Arrays.stream(products).map(Product::sku).toList());
    }

    static PaymentCharged paymentCharged(BigDecimal amount) {
        return new PaymentCharged(ORDER_ID, PAYMENT_ID, amount, CURRENCY);
    }

    static PaymentDeclined cardDeclined() {
        return new PaymentDeclined(ORDER_ID, "card_declined");
    }

    static ShipmentCreated shipmentCreated() {
        return new ShipmentCreated(ORDER_ID, TRACKING_NUMBER, "orderflow-express");
    }

    static ShipmentFailed destinationNotServed() {
        return new ShipmentFailed(ORDER_ID, "carrier_rejected: destination ZZ is not served");
    }
}
