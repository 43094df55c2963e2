package io.orderflow.catalog;

/** The catalog's answer to {@link ValidateOrder}: the order priced, or refused. */
public sealed interface ValidationReply permits OrderValidated, OrderRejected {

    String orderId();
}
