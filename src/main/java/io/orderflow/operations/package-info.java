/**
 * Operations: the operator-facing API and page. The dead-letter console's API ({@code /api/dead-letters}), the
 * saga diagram with live counts ({@code /api/operations/saga}), the order timeline ({@code /api/orders/{id}/timeline})
 * and the console page at {@code /ops/}. Each part runs beside what it serves: dead letters in every module process,
 * the saga diagram and the timeline with the order module (the timeline reads every module's journal from the
 * shared database).
 */
@NullMarked
package io.orderflow.operations;

import org.jspecify.annotations.NullMarked;
