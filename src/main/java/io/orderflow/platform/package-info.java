/**
 * Shared kernel for running modules: which modules this process runs, the database (embedded or
 * external), per-module schema migrations and the HTTP error contract (RFC 9457 problem+json).
 */
@NullMarked
package io.orderflow.platform;

import org.jspecify.annotations.NullMarked;
