package io.orderflow.catalog;

import java.math.BigDecimal;

record Product(String sku, String name, String description, BigDecimal price, String currency, int available) {}
