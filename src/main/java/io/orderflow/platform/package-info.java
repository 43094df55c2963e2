/**
 * Shared kernel for running modules: which modules this process runs, the database (embedded or
 * external), per-module schema migrations and the HTTP error contract (RFC 9457 problem+json).
 */
package io.orderflow.platform;
