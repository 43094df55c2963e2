package io.orderflow.messaging.deadletter;

/** Names one dead letter: ids are per module, each module keeping its own in its schema. */
public record DeadLetterRef(String module, long id) {}
