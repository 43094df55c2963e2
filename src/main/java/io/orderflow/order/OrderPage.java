package io.orderflow.order;

import java.util.List;

public record OrderPage(List<OrderView> items, int page, int size, long totalElements) {}
