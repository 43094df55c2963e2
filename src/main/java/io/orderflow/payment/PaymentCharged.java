package io.orderflow.payment;

import java.math.BigDecimal;

public record PaymentCharged(String orderId, String paymentId, BigDecimal amount, String currency)
        implements ChargeReply {}
