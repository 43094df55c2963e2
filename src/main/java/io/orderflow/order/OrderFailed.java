package io.orderflow.order;

import org.jspecify.annotations.Nullable;

public record OrderFailed(
        String orderId,
        String customerEmail,
        String reason,
        @Nullable String detail) {}
