package io.orderflow.shipping;

/** Where an order goes. Only {@code country} (ISO 3166 alpha-2) decides anything in the simulation. */
public record ShippingAddress(String name, String line1, String city, String postalCode, String country) {}
