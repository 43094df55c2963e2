/**
 * Catalog: products and prices. Validates and prices every order (the client's prices are never trusted)
 * and keeps a read model of available stock from inventory's stock events for the product listing.
 */
@NullMarked
package io.orderflow.catalog;

import org.jspecify.annotations.NullMarked;
