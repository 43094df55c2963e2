/**
 * The dead-letter store of the modules this process runs: list, inspect, re-drive and discard, with an audit
 * of who did what. Plain Java API (kernel exceptions, no HTTP); the operations module serves it to operators.
 */
@NamedInterface("deadletter")
@NullMarked
package io.orderflow.messaging.deadletter;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.NamedInterface;
