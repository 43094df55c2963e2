/**
 * Redis Streams under the same handlers: one stream and consumer group per module, delayed retries in a sorted
 * set, acknowledged entries trimmed (ADR 0014).
 */
@NullMarked
package io.orderflow.messaging.redis;

import org.jspecify.annotations.NullMarked;
