/**
 * Compatibility: the clients of the seed documents (001's page and tests, 003's and 004's requests) work unchanged at
 * their own paths ({@code POST /orders}, {@code GET /orders/{id}}, {@code GET /health}), over the order module's API.
 * Server prices stay authoritative. Off with {@code orderflow.compat.enabled=false}; see docs/compatibility.md.
 */
@NullMarked
package io.orderflow.compat;

import org.jspecify.annotations.NullMarked;
