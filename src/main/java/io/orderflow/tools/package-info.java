/**
 * Operator tools shipped in the application jar and run before Spring starts: {@code benchmark} (load,
 * machine ceiling, report), {@code check} (the invariant checker) and {@code chaos} (faults under load, the
 * checker after each). A read-only auditor of every module's schema; no module depends on it.
 */
package io.orderflow.tools;
