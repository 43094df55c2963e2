package io.orderflow.inventory;

import java.util.List;

/** Reply: nothing was reserved; {@code skus} lists what was short. */
public record StockUnavailable(String orderId, String reason, List<String> skus) implements ReservationReply {}
