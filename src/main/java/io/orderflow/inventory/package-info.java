/**
 * Inventory: stock per SKU and reservations per order. Reserves all of an order's items or none, releases
 * them on compensation, and turns them into shipped stock when the order completes.
 */
@NullMarked
package io.orderflow.inventory;

import org.jspecify.annotations.NullMarked;
