/**
 * Operations: the operator-facing API and page. The dead-letter console's API ({@code /api/dead-letters}), the
 * saga diagram with live counts ({@code /api/operations/saga}) and the console page at {@code /ops/}. Each part
 * runs beside what it serves: dead letters in every module process, the saga diagram with the order module.
 */
@NullMarked
package io.orderflow.operations;

import org.jspecify.annotations.NullMarked;
