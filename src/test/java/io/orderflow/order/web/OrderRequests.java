package io.orderflow.order.web;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.List;

/** Bodies of {@code POST /api/orders} as customers send them: {@code anOrderRequestFor(laptops(2))}. */
final class OrderRequests {

    static final String LAPTOP = "PROD-001";
    static final String MOUSE = "PROD-002";

    private OrderRequests() {}

    static PlaceOrderRequest anOrderRequestFor(PlaceOrderRequest.Item... items) {
        return new PlaceOrderRequest(
                "ord-42",
                "ada@example.com",
                List.of(items),
                new PlaceOrderRequest.Payment("tok_visa"),
                aLondonAddress());
    }

    static PlaceOrderRequest aValidOrderRequest() {
        return anOrderRequestFor(item(LAPTOP, 2, "999.99"), item(MOUSE, 1, null));
    }

    static PlaceOrderRequest.Address aLondonAddress() {
        return addressIn("GB");
    }

    static PlaceOrderRequest.Address addressIn(String country) {
        return new PlaceOrderRequest.Address("Ada Lovelace", "12 St James's Square", "London", "SW1Y 4JH", country);
    }

    static PlaceOrderRequest.Item item(String sku, int quantity, String unitPrice) {
        return new PlaceOrderRequest.Item(sku, null, quantity, unitPrice == null ? null : new BigDecimal(unitPrice));
    }

    /** An item named the other way the API accepts: {@code product_id} instead of {@code sku}. */
    static PlaceOrderRequest.Item itemByProductId(String productId, int quantity) {
        return new PlaceOrderRequest.Item(null, productId, quantity, null);
    }

    static PlaceOrderRequest.Item itemNamedBoth(String sku, String productId, int quantity) {
        return new PlaceOrderRequest.Item(sku, productId, quantity, null);
    }

    static List<PlaceOrderRequest.Item> mice(int lines) {
        return Collections.nCopies(lines, item(MOUSE, 1, null));
    }

    static PlaceOrderRequest withItems(PlaceOrderRequest request, List<PlaceOrderRequest.Item> items) {
        return new PlaceOrderRequest(
                request.orderId(), request.customerEmail(), items, request.payment(), request.shippingAddress());
    }

    static PlaceOrderRequest withEmail(PlaceOrderRequest request, String email) {
        return new PlaceOrderRequest(
                request.orderId(), email, request.items(), request.payment(), request.shippingAddress());
    }

    static PlaceOrderRequest withAddress(PlaceOrderRequest request, PlaceOrderRequest.Address address) {
        return new PlaceOrderRequest(
                request.orderId(), request.customerEmail(), request.items(), request.payment(), address);
    }
}
