/**
 * Customer accounts and sign-in: registration (publishes {@link io.orderflow.customer.CustomerRegistered}),
 * access tokens for customers and API clients, and the keys that sign them (served as a JWK set).
 */
@NullMarked
package io.orderflow.customer;

import org.jspecify.annotations.NullMarked;
