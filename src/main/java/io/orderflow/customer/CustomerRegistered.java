package io.orderflow.customer;

/** A customer account was created (the seed's {@code UserRegistered}). */
public record CustomerRegistered(String customerId, String email, String name) {}
