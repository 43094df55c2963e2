package io.orderflow.payment;

import java.math.BigDecimal;

public record PaymentRefunded(String orderId, BigDecimal amount, String currency) {}
