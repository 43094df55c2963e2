package io.orderflow.messaging;

/** Wire names of message types: the record's simple name ({@code ReserveStock}), stable across packages. */
public final class MessageTypes {

    private MessageTypes() {}

    public static String nameOf(Class<?> type) {
        return type.getSimpleName();
    }
}
