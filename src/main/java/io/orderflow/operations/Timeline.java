package io.orderflow.operations;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One order's timeline (what {@code GET /api/orders/{id}/timeline} answers, snake_case on the wire), and how it is
 * put together from what was read: pure, so the causal order and the hops are unit-tested without a database.
 *
 * <p>Entries are sorted by time, then fixed up so that causes come first wherever clocks (of different processes)
 * say otherwise: the placing request before everything, a message's {@code sent} before its deliveries, and the
 * delivery that sent a message (its {@code causation_id}, in the sending module) before that {@code sent}.
 */
final class Timeline {

    /** Journal kinds of a delivery: each is recorded by the receiving module. */
    static final Set<String> DELIVERY_KINDS =
            Set.of("applied", "duplicate", "retried", "parked", "redriven", "discarded");

    static final Set<String> TERMINAL = Set.of("completed", "failed", "cancelled");

    private Timeline() {}

    // --- what is read ----------------------------------------------------------------------------------------------

    record Order(String id, String status, Instant createdAt) {}

    /** One row of a module's {@code journal} (see the messaging kernel's journal). */
    record JournalRow(
            long id,
            Instant at,
            String module,
            String instance,
            String kind,
            UUID messageId,
            @Nullable UUID causationId,
            String type,
            @Nullable Integer attempt,
            @Nullable BigDecimal queueMs,
            @Nullable BigDecimal handlerMs,
            @Nullable String traceId,
            @Nullable String detail) {}

    /** One entry of the order's business history ({@code order_event}). */
    record Event(
            int sequence,
            String type,
            String status,
            Instant occurredAt,
            @Nullable JsonNode details) {}

    /** A customer message kept for the order, and where its e-mail stands (null: kept only, no SMTP configured). */
    record Notification(
            long id,
            @Nullable String kind,
            String subject,
            @Nullable String emailStatus,
            Instant createdAt,
            @Nullable Instant sentAt) {}

    // --- what is answered ------------------------------------------------------------------------------------------

    /** {@code truncated}: the journal held more rows for the order than are read (the earliest are shown). */
    record View(
            String orderId,
            String status,
            Summary summary,
            List<Entry> entries,
            List<Hop> hops,
            List<DeadLetter> deadLetters,
            List<String> sources,
            List<String> missingSources,
            boolean truncated) {}

    /**
     * One thing that happened. {@code kind}: {@code request} (the HTTP request that placed the order), a journal kind
     * ({@code sent}, {@code applied}, {@code duplicate}, {@code retried}, {@code parked}, {@code redriven},
     * {@code discarded}), {@code event} (the order's history) or {@code notification}. {@code hop}: the index of the
     * message hop it belongs to.
     */
    record Entry(
            int index,
            String kind,
            Instant at,
            BigDecimal offsetMs,
            @Nullable String module,
            @Nullable String instance,
            String type,
            @Nullable UUID messageId,
            @Nullable UUID causationId,
            @Nullable Integer attempt,
            @Nullable BigDecimal queueMs,
            @Nullable BigDecimal handlerMs,
            @Nullable String traceId,
            @Nullable String detail,
            @Nullable String status,
            boolean compensation,
            @Nullable Integer hop,
            @Nullable Integer sequence,
            @Nullable JsonNode details,
            @Nullable Instant emailSentAt) {}

    /** A failed handling of a hop's message: a retry, or the attempt that parked it. */
    record Failure(
            String kind,
            Instant at,
            @Nullable Integer attempt,
            @Nullable String error) {}

    /**
     * One message to one receiver: sent ({@code sent_at}), waiting in the queue ({@code queue_ms}), handled
     * ({@code handler_ms}, from {@code started_at} to {@code handled_at}), by the attempt that settled it. Offsets are
     * from the order's placing. {@code outcome}: applied, duplicate, parked, redriven (waiting for its redelivery),
     * discarded, retrying, or in_flight (sent, no delivery recorded yet; the receiver is then unknown).
     */
    record Hop(
            int index,
            UUID messageId,
            String type,
            boolean compensation,
            @Nullable UUID causationId,
            @Nullable String sender,
            @Nullable String senderInstance,
            @Nullable String receiver,
            @Nullable String receiverInstance,
            @Nullable Instant sentAt,
            @Nullable Instant startedAt,
            @Nullable Instant handledAt,
            @Nullable BigDecimal startOffsetMs,
            @Nullable BigDecimal endOffsetMs,
            @Nullable BigDecimal queueMs,
            @Nullable BigDecimal handlerMs,
            @Nullable BigDecimal totalMs,
            @Nullable Integer attempt,
            int retries,
            int duplicates,
            boolean deadLettered,
            String outcome,
            List<Failure> failures,
            @Nullable Long deadLetterId,
            boolean slowest) {}

    record Slowest(
            int hop,
            String type,
            String receiver,
            @Nullable String instance,
            BigDecimal queueMs,
            BigDecimal handlerMs,
            BigDecimal totalMs) {}

    /**
     * The order at a glance: placed to terminal ({@code total_ms}; null while it runs, then {@code elapsed_ms} is to
     * the last entry), the slowest hop, and how many messages, hops, retries and dead letters it took.
     */
    record Summary(
            Instant placedAt,
            @Nullable Instant endedAt,
            boolean terminal,
            @Nullable BigDecimal totalMs,
            BigDecimal elapsedMs,
            int messages,
            int hops,
            int retries,
            int deadLetters,
            int redriven,
            int discarded,
            int duplicates,
            int compensations,
            int events,
            int notifications,
            @Nullable Slowest slowestHop) {}

    /** A dead letter of the order, from its module's {@code dead_letter} table, with the operators' actions. */
    record DeadLetter(
            String module,
            long id,
            UUID messageId,
            String type,
            String status,
            String error,
            int attempts,
            Instant firstFailedAt,
            Instant parkedAt,
            @Nullable Instant statusChangedAt,
            List<DeadLetterAction> actions) {}

    record DeadLetterAction(
            String action, String operator, @Nullable String reason, Instant at) {}

    // --- putting it together ---------------------------------------------------------------------------------------

    /** What an entry is before its place in the order is known. */
    private record Draft(
            int seen,
            String kind,
            Instant at,
            @Nullable String module,
            @Nullable String instance,
            String type,
            @Nullable UUID messageId,
            @Nullable UUID causationId,
            @Nullable Integer attempt,
            @Nullable BigDecimal queueMs,
            @Nullable BigDecimal handlerMs,
            @Nullable String traceId,
            @Nullable String detail,
            @Nullable String status,
            boolean compensation,
            @Nullable Integer sequence,
            @Nullable JsonNode details,
            @Nullable Instant emailSentAt) {

        boolean delivery() {
            return DELIVERY_KINDS.contains(kind);
        }

        /** Among entries at the same instant: the request, sends, deliveries, then what they recorded. */
        int rank() {
            return switch (kind) {
                case "request" -> 0;
                case "sent" -> 1;
                case "event" -> 3;
                case "notification" -> 4;
                default -> 2;
            };
        }
    }

    private record DeliveryKey(UUID messageId, String module) {}

    static View assemble(
            Order order,
            List<JournalRow> journal,
            List<Event> events,
            List<Notification> notifications,
            List<DeadLetter> deadLetters,
            Set<String> compensationTypes,
            List<String> sources,
            List<String> missingSources,
            boolean truncated) {
        List<Draft> drafts = new ArrayList<>();
        Event placed =
                events.stream().filter(e -> e.sequence() == 1).findFirst().orElse(null);
        drafts.add(new Draft(
                0,
                "request",
                order.createdAt(),
                "order",
                null,
                placed == null ? "order_placed" : placed.type(),
                null,
                null,
                null,
                null,
                null,
                null,
                "the HTTP request that placed the order",
                placed == null ? null : placed.status(),
                false,
                placed == null ? null : placed.sequence(),
                placed == null ? null : placed.details(),
                null));
        for (JournalRow row : journal) {
            drafts.add(new Draft(
                    drafts.size(),
                    row.kind(),
                    row.at(),
                    row.module(),
                    row.instance(),
                    row.type(),
                    row.messageId(),
                    row.causationId(),
                    row.attempt(),
                    row.queueMs(),
                    row.handlerMs(),
                    row.traceId(),
                    row.detail(),
                    null,
                    compensationTypes.contains(row.type()),
                    null,
                    null,
                    null));
        }
        for (Event event : events) {
            if (placed != null && event.sequence() == placed.sequence()) {
                continue;
            }
            drafts.add(new Draft(
                    drafts.size(),
                    "event",
                    event.occurredAt(),
                    "order",
                    null,
                    event.type(),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    event.status(),
                    "compensation_requested".equals(event.type()),
                    event.sequence(),
                    event.details(),
                    null));
        }
        for (Notification n : notifications) {
            drafts.add(new Draft(
                    drafts.size(),
                    "notification",
                    n.createdAt(),
                    "notification",
                    null,
                    n.kind() == null ? "notification" : n.kind(),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    n.subject(),
                    n.emailStatus(),
                    false,
                    null,
                    null,
                    n.sentAt()));
        }
        List<Draft> ordered = causalOrder(drafts);
        Map<Draft, Integer> position = new HashMap<>();
        for (int i = 0; i < ordered.size(); i++) {
            position.put(ordered.get(i), i);
        }

        // hops: the deliveries of one message to one module; a message sent but not (yet) delivered is a hop too
        Map<UUID, Draft> sends = new LinkedHashMap<>();
        Map<DeliveryKey, List<Draft>> deliveries = new LinkedHashMap<>();
        for (Draft d : ordered) {
            if ("sent".equals(d.kind()) && d.messageId() != null) {
                sends.putIfAbsent(d.messageId(), d);
            } else if (d.delivery() && d.messageId() != null && d.module() != null) {
                deliveries
                        .computeIfAbsent(new DeliveryKey(d.messageId(), d.module()), k -> new ArrayList<>())
                        .add(d);
            }
        }
        record Pending(
                int first, @Nullable Draft sent, @Nullable DeliveryKey key, List<Draft> rows) {}
        List<Pending> pending = new ArrayList<>();
        Set<UUID> delivered = new HashSet<>();
        deliveries.forEach((key, rows) -> {
            Draft sent = sends.get(key.messageId());
            int first = position.getOrDefault(sent != null ? sent : rows.get(0), 0);
            pending.add(new Pending(first, sent, key, rows));
            delivered.add(key.messageId());
        });
        sends.forEach((id, sent) -> {
            if (!delivered.contains(id)) {
                pending.add(new Pending(position.getOrDefault(sent, 0), sent, null, List.of()));
            }
        });
        pending.sort(Comparator.comparingInt(Pending::first)
                .thenComparing(p -> p.key() == null ? "" : p.key().module()));

        Map<String, Long> deadLetterIds = new HashMap<>();
        deadLetters.forEach(d -> deadLetterIds.putIfAbsent(d.module() + "/" + d.messageId(), d.id()));

        List<Hop> hops = new ArrayList<>();
        Map<Draft, Integer> hopOf = new HashMap<>();
        for (Pending p : pending) {
            int index = hops.size();
            Hop hop = hop(index, p.sent(), p.key(), p.rows(), order.createdAt(), deadLetterIds);
            hops.add(hop);
            if (p.sent() != null) {
                hopOf.putIfAbsent(p.sent(), index);
            }
            p.rows().forEach(row -> hopOf.put(row, index));
        }
        Hop slowest = hops.stream()
                .filter(h -> h.queueMs() != null && h.handlerMs() != null && h.totalMs() != null)
                .max(Comparator.comparing(Hop::totalMs))
                .orElse(null);
        if (slowest != null) {
            hops.set(slowest.index(), withSlowest(slowest));
        }

        List<Entry> entries = new ArrayList<>();
        for (Draft d : ordered) {
            entries.add(new Entry(
                    entries.size(),
                    d.kind(),
                    d.at(),
                    millisBetween(order.createdAt(), d.at()),
                    d.module(),
                    d.instance(),
                    d.type(),
                    d.messageId(),
                    d.causationId(),
                    d.attempt(),
                    d.queueMs(),
                    d.handlerMs(),
                    d.traceId(),
                    d.detail(),
                    d.status(),
                    d.compensation(),
                    hopOf.get(d),
                    d.sequence(),
                    d.details(),
                    d.emailSentAt()));
        }
        return new View(
                order.id(),
                order.status(),
                summary(order, events, entries, hops, sends.size(), slowest),
                entries,
                hops,
                deadLetters,
                sources,
                missingSources,
                truncated);
    }

    private static Summary summary(
            Order order, List<Event> events, List<Entry> entries, List<Hop> hops, int messages, @Nullable Hop slowest) {
        Instant endedAt = events.stream()
                .filter(e -> TERMINAL.contains(e.status()))
                .map(Event::occurredAt)
                .findFirst()
                .orElse(null);
        Instant last =
                entries.stream().map(Entry::at).max(Comparator.naturalOrder()).orElse(order.createdAt());
        return new Summary(
                order.createdAt(),
                endedAt,
                endedAt != null,
                endedAt == null ? null : millisBetween(order.createdAt(), endedAt),
                millisBetween(order.createdAt(), last),
                messages,
                hops.size(),
                count(entries, "retried"),
                count(entries, "parked"),
                count(entries, "redriven"),
                count(entries, "discarded"),
                count(entries, "duplicate"),
                (int) entries.stream()
                        .filter(e -> "sent".equals(e.kind()) && e.compensation())
                        .count(),
                (int) entries.stream()
                        .filter(e -> "event".equals(e.kind()) || "request".equals(e.kind()))
                        .count(),
                count(entries, "notification"),
                slowest == null
                        ? null
                        : new Slowest(
                                slowest.index(),
                                slowest.type(),
                                Objects.requireNonNull(slowest.receiver(), "a hop with a handling has a receiver"),
                                slowest.receiverInstance(),
                                Objects.requireNonNull(slowest.queueMs()),
                                Objects.requireNonNull(slowest.handlerMs()),
                                Objects.requireNonNull(slowest.totalMs())));
    }

    private static int count(List<Entry> entries, String kind) {
        return (int) entries.stream().filter(e -> kind.equals(e.kind())).count();
    }

    /**
     * A hop from its send and its delivery rows (in causal order). What settled it: the applied handling, else the
     * last duplicate, else the last failure; its queue wait and handler time are the hop's.
     */
    private static Hop hop(
            int index,
            @Nullable Draft sent,
            @Nullable DeliveryKey key,
            List<Draft> rows,
            Instant placedAt,
            Map<String, Long> deadLetterIds) {
        Draft applied = last(rows, "applied");
        Draft duplicate = last(rows, "duplicate");
        Draft failed = rows.stream()
                .filter(r -> "retried".equals(r.kind()) || "parked".equals(r.kind()))
                .reduce((a, b) -> b)
                .orElse(null);
        Draft settled = applied != null ? applied : duplicate != null ? duplicate : failed;
        Draft latest = rows.isEmpty() ? null : rows.get(rows.size() - 1);
        String outcome;
        if (applied != null) {
            outcome = "applied";
        } else if (latest == null) {
            outcome = "in_flight";
        } else if (duplicate != null) {
            outcome = "duplicate";
        } else {
            outcome = switch (latest.kind()) {
                case "parked" -> "parked";
                case "redriven" -> "redriven";
                case "discarded" -> "discarded";
                default -> "retrying";
            };
        }
        BigDecimal queueMs = settled == null ? null : settled.queueMs();
        BigDecimal handlerMs = settled == null || "parked".equals(settled.kind()) ? null : settled.handlerMs();
        Instant startedAt = settled == null ? null : settled.at();
        Instant sentAt = sent != null
                ? sent.at()
                : startedAt != null && queueMs != null ? startedAt.minus(micros(queueMs)) : null;
        Instant handledAt =
                startedAt == null ? null : handlerMs == null ? startedAt : startedAt.plus(micros(handlerMs));
        BigDecimal totalMs = queueMs == null ? null : handlerMs == null ? queueMs : queueMs.add(handlerMs);
        Draft first = sent != null ? sent : rows.get(0);
        UUID messageId = Objects.requireNonNull(first.messageId(), "a journal row names its message");
        List<Failure> failures = rows.stream()
                .filter(r -> "retried".equals(r.kind()) || "parked".equals(r.kind()))
                .map(r -> new Failure(r.kind(), r.at(), r.attempt(), r.detail()))
                .toList();
        String receiver = key == null ? null : key.module();
        return new Hop(
                index,
                messageId,
                first.type(),
                first.compensation(),
                first.causationId(),
                sent == null ? null : sent.module(),
                sent == null ? null : sent.instance(),
                receiver,
                settled == null ? null : settled.instance(),
                sentAt,
                startedAt,
                handledAt,
                sentAt == null ? null : millisBetween(placedAt, sentAt),
                handledAt == null ? null : millisBetween(placedAt, handledAt),
                queueMs,
                handlerMs,
                totalMs,
                settled == null ? null : settled.attempt(),
                (int) rows.stream().filter(r -> "retried".equals(r.kind())).count(),
                (int) rows.stream().filter(r -> "duplicate".equals(r.kind())).count(),
                rows.stream().anyMatch(r -> "parked".equals(r.kind())),
                outcome,
                failures,
                receiver == null ? null : deadLetterIds.get(receiver + "/" + messageId),
                false);
    }

    private static Hop withSlowest(Hop h) {
        return new Hop(
                h.index(),
                h.messageId(),
                h.type(),
                h.compensation(),
                h.causationId(),
                h.sender(),
                h.senderInstance(),
                h.receiver(),
                h.receiverInstance(),
                h.sentAt(),
                h.startedAt(),
                h.handledAt(),
                h.startOffsetMs(),
                h.endOffsetMs(),
                h.queueMs(),
                h.handlerMs(),
                h.totalMs(),
                h.attempt(),
                h.retries(),
                h.duplicates(),
                h.deadLettered(),
                h.outcome(),
                h.failures(),
                h.deadLetterId(),
                true);
    }

    private static @Nullable Draft last(List<Draft> rows, String kind) {
        return rows.stream()
                .filter(r -> kind.equals(r.kind()))
                .reduce((a, b) -> b)
                .orElse(null);
    }

    /**
     * Sorts by time (then by kind and by the order read), but never puts an entry before its causes: a topological
     * sort (Kahn's) that always takes the earliest entry whose causes are all placed. Causes: the request comes
     * first; a message's {@code sent} precedes its deliveries; the delivery of message M in module X (its applied
     * handling, else its latest handling) precedes the {@code sent} of every message X sent with causation M.
     */
    static List<Draft> causalOrder(List<Draft> drafts) {
        Map<Draft, List<Draft>> after = new HashMap<>();
        Map<Draft, Integer> causes = new HashMap<>();
        drafts.forEach(d -> causes.put(d, 0));
        Draft request = drafts.stream()
                .filter(d -> "request".equals(d.kind()))
                .findFirst()
                .orElse(null);
        Map<UUID, Draft> sends = new HashMap<>();
        Map<DeliveryKey, Draft> handlings = new HashMap<>();
        for (Draft d : drafts) {
            if (d.messageId() == null) {
                continue;
            }
            if ("sent".equals(d.kind())) {
                sends.putIfAbsent(d.messageId(), d);
            } else if (d.module() != null
                    && ("applied".equals(d.kind()) || "duplicate".equals(d.kind()) || "retried".equals(d.kind()))) {
                DeliveryKey key = new DeliveryKey(d.messageId(), d.module());
                Draft held = handlings.get(key);
                // the applied handling is the one that sent what followed; otherwise the latest one
                if (held == null || !"applied".equals(held.kind())) {
                    handlings.put(key, d);
                }
            }
        }
        for (Draft d : drafts) {
            if (d != request && request != null) {
                link(after, causes, request, d);
            }
            if (d.messageId() == null) {
                continue;
            }
            if (d.delivery()) {
                Draft sent = sends.get(d.messageId());
                if (sent != null) {
                    link(after, causes, sent, d);
                }
            } else if ("sent".equals(d.kind()) && d.causationId() != null && d.module() != null) {
                Draft cause = handlings.get(new DeliveryKey(d.causationId(), d.module()));
                if (cause != null && cause != d) {
                    link(after, causes, cause, d);
                }
            }
        }
        Comparator<Draft> byTime =
                Comparator.comparing(Draft::at).thenComparingInt(Draft::rank).thenComparingInt(Draft::seen);
        PriorityQueue<Draft> ready = new PriorityQueue<>(byTime);
        drafts.stream().filter(d -> causes.getOrDefault(d, 0) == 0).forEach(ready::add);
        List<Draft> ordered = new ArrayList<>(drafts.size());
        while (!ready.isEmpty()) {
            Draft next = ready.poll();
            ordered.add(next);
            for (Draft successor : after.getOrDefault(next, List.of())) {
                int left = causes.merge(successor, -1, Integer::sum);
                if (left == 0) {
                    ready.add(successor);
                }
            }
        }
        if (ordered.size() < drafts.size()) {
            // a cycle (only malformed data makes one): what is left goes by time, after the rest
            drafts.stream()
                    .filter(d -> causes.getOrDefault(d, 0) > 0)
                    .sorted(byTime)
                    .forEach(ordered::add);
        }
        return ordered;
    }

    private static void link(Map<Draft, List<Draft>> after, Map<Draft, Integer> causes, Draft cause, Draft effect) {
        after.computeIfAbsent(cause, k -> new ArrayList<>()).add(effect);
        causes.merge(effect, 1, Integer::sum);
    }

    /** Milliseconds from {@code from} to {@code to}, to the microsecond (negative across skewed clocks). */
    static BigDecimal millisBetween(Instant from, Instant to) {
        Duration between = Duration.between(from, to);
        return BigDecimal.valueOf(between.getSeconds())
                .multiply(BigDecimal.valueOf(1000))
                .add(BigDecimal.valueOf(between.getNano()).movePointLeft(6))
                .setScale(3, RoundingMode.HALF_UP);
    }

    private static Duration micros(BigDecimal millis) {
        return Duration.ofNanos(
                millis.movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValueExact());
    }
}
