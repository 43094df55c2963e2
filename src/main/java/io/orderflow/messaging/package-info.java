/**
 * Shared messaging kernel: the envelope, the transactional outbox and its relay, the inbox, retries with
 * jitter and dead letters, over interchangeable transports (PostgreSQL queue, RabbitMQ, Redis Streams).
 */
@NullMarked
package io.orderflow.messaging;

import org.jspecify.annotations.NullMarked;
