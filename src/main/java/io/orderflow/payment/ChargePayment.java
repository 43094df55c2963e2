package io.orderflow.payment;

import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/** Command: charge the order's total to the card. A null token means the default test card. */
public record ChargePayment(
        String orderId,
        BigDecimal amount,
        String currency,
        @Nullable String cardToken) {}
