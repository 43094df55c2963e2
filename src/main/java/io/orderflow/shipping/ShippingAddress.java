package io.orderflow.shipping;

import org.jspecify.annotations.Nullable;

/**
 * Where an order goes. Only {@code country} (ISO 3166 alpha-2) decides anything in the simulation, and only it is
 * required of an address.
 */
public record ShippingAddress(
        @Nullable String name,
        @Nullable String line1,
        @Nullable String city,
        @Nullable String postalCode,
        String country) {}
