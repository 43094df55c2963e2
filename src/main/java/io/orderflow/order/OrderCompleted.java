package io.orderflow.order;

import java.math.BigDecimal;

public record OrderCompleted(
        String orderId, String customerEmail, BigDecimal totalAmount, String currency, String trackingNumber) {}
