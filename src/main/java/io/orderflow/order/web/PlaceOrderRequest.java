package io.orderflow.order.web;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.orderflow.order.NewOrder;
import io.orderflow.platform.RejectUnknownFields;
import io.orderflow.shipping.ShippingAddress;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** The body of {@code POST /api/orders}, in snake_case on the wire; nothing else is accepted. */
@RejectUnknownFields
record PlaceOrderRequest(
        @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9._:-]+", message = "may contain only letters, digits and . _ : -")
        String orderId,

        @NotBlank
        @Size(max = 254)
        @Email(regexp = "[^@\\s]+@[^@\\s]+\\.[^@\\s]+", message = "must be a valid email address")
        String customerEmail,

        @NotEmpty @Size(max = 50) List<@NotNull @Valid Item> items,
        @Valid Payment payment,
        @Valid Address shippingAddress) {

    /** What a SKU looks like (surrounding spaces are trimmed; a blank one is reported as missing). */
    static final String SKU = "\\s*([A-Za-z0-9._:-]+\\s*)?";

    @RejectUnknownFields
    record Item(
            @Size(max = 64) @Pattern(regexp = SKU, message = "may contain only letters, digits and . _ : -")
            String sku,

            @Size(max = 64) @Pattern(regexp = SKU, message = "may contain only letters, digits and . _ : -")
            String productId,

            @NotNull @Min(1) @Max(1000) Integer quantity,

            @DecimalMin(value = "0.01") @Digits(integer = 10, fraction = 2)
            BigDecimal unitPrice) {

        @JsonIgnore
        @AssertTrue(message = "sku (or its synonym product_id) is required, and they must agree when both are given")
        boolean isSkuOrProductIdGiven() {
            String chosen = sku != null ? sku : productId;
            return chosen != null
                    && !chosen.isBlank()
                    && (sku == null || productId == null || Objects.equals(sku, productId));
        }

        String effectiveSku() {
            return (sku != null ? sku : productId).trim();
        }
    }

    @RejectUnknownFields
    record Payment(
            @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9_]+")
            String cardToken) {}

    @RejectUnknownFields
    record Address(
            @Size(max = 100) String name,
            @Size(max = 200) String line1,
            @Size(max = 100) String city,
            @Size(max = 20) String postalCode,

            @NotBlank @Pattern(regexp = "[A-Za-z]{2}", message = "must be a two-letter ISO country code")
            String country) {}

    NewOrder toNewOrder() {
        return new NewOrder(
                orderId,
                customerEmail,
                items.stream()
                        .map(i -> new NewOrder.Item(i.effectiveSku(), i.quantity(), i.unitPrice()))
                        .toList(),
                payment == null ? null : payment.cardToken(),
                shippingAddress == null
                        ? null
                        : new ShippingAddress(
                                shippingAddress.name(),
                                shippingAddress.line1(),
                                shippingAddress.city(),
                                shippingAddress.postalCode(),
                                shippingAddress.country().toUpperCase(Locale.ROOT)));
    }
}
