package io.orderflow.customer;

import java.time.Instant;
import java.util.UUID;

/** A customer account. The password is only ever held as its hash. */
record Customer(UUID id, String email, String name, String passwordHash, Instant createdAt) {}
