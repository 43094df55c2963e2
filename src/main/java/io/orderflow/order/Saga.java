package io.orderflow.order;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A small orchestration engine: an ordered list of steps, each with the command that starts it, the
 * compensation that undoes it, and the replies that end it. Pure: given an order and a reply it decides the
 * order's next state, the commands to send and the history to record, and touches nothing else, so the
 * rules are unit-testable and the state diagram can be drawn from the same definition.
 */
final class Saga {

    record Failure(String reason, String detail) {}

    /** A history entry to record: its type and its details (any JSON-serialisable value). */
    record Recorded(String type, Object details) {}

    record Decision(List<Object> commands, List<Recorded> history) {

        static Decision none() {
            return new Decision(List.of(), List.of());
        }

        boolean changesNothing() {
            return commands.isEmpty() && history.isEmpty();
        }
    }

    record Step(
            OrderStatus status,
            Function<Order, Object> action,
            Function<Order, Object> compensation,
            Map<Class<?>, BiConsumer<Order, Object>> successes,
            Map<Class<?>, Function<Object, Failure>> failures) {

        boolean compensable() {
            return compensation != null;
        }
    }

    private final List<Step> steps;
    private final Function<Order, Object> onCompletion;
    private final Set<Class<?>> recordOnly;

    private Saga(List<Step> steps, Function<Order, Object> onCompletion, Set<Class<?>> recordOnly) {
        this.steps = List.copyOf(steps);
        this.onCompletion = onCompletion;
        this.recordOnly = Set.copyOf(recordOnly);
    }

    static Builder define() {
        return new Builder();
    }

    List<Step> steps() {
        return steps;
    }

    /** Every reply the saga listens to: the order module's queue is bound to exactly these. */
    Set<Class<?>> replyTypes() {
        Set<Class<?>> types = new LinkedHashSet<>();
        steps.forEach(s -> {
            types.addAll(s.successes().keySet());
            types.addAll(s.failures().keySet());
        });
        types.addAll(recordOnly);
        return types;
    }

    /** Starts a pending order on its first step. A repeated start changes nothing. */
    Decision start(Order order) {
        if (order.status() != OrderStatus.PENDING) {
            return Decision.none();
        }
        Step first = steps.get(0);
        order.advanceTo(first.status());
        return new Decision(
                List.of(first.action().apply(order)), List.of(new Recorded("fulfilment_started", Map.of())));
    }

    Decision on(Order order, Object reply) {
        String type = eventType(reply);
        if (recordOnly.contains(reply.getClass())) {
            return new Decision(List.of(), List.of(new Recorded(type, reply)));
        }
        Step step = stepFor(reply.getClass())
                .orElseThrow(() -> new IllegalArgumentException("the saga has no step that answers to "
                        + reply.getClass().getSimpleName()));
        boolean success = step.successes().containsKey(reply.getClass());
        if (order.status().isTerminal()) {
            return lateReply(order, step, success, reply);
        }
        if (order.status() != step.status()) {
            return Decision.none(); // a repeated reply to a step already passed
        }
        List<Object> commands = new ArrayList<>();
        List<Recorded> history = new ArrayList<>();
        history.add(new Recorded(type, reply));
        if (success) {
            step.successes().get(reply.getClass()).accept(order, reply);
            int next = steps.indexOf(step) + 1;
            if (next < steps.size()) {
                order.advanceTo(steps.get(next).status());
                commands.add(steps.get(next).action().apply(order));
            } else {
                order.complete();
                commands.add(onCompletion.apply(order));
                history.add(new Recorded("order_completed", Map.of()));
            }
        } else {
            Failure failure = step.failures().get(reply.getClass()).apply(reply);
            compensateStepsBefore(step, order, commands, history);
            order.fail(failure.reason(), failure.detail());
            history.add(new Recorded("order_failed", failure));
        }
        return new Decision(commands, history);
    }

    /**
     * Cancels an order whose shipment has not been requested yet: undoes the steps already done. A step
     * still in flight is undone when its late reply arrives (see {@link #lateReply}).
     */
    Optional<Decision> cancel(Order order) {
        if (!order.status().isCancellable()) {
            return Optional.empty();
        }
        List<Object> commands = new ArrayList<>();
        List<Recorded> history = new ArrayList<>();
        history.add(new Recorded(
                "cancellation_requested", Map.of("status", order.status().wireName())));
        steps.stream()
                .filter(s -> s.status() == order.status())
                .findFirst()
                .ifPresent(current -> compensateStepsBefore(current, order, commands, history));
        order.cancel();
        history.add(new Recorded("order_cancelled", Map.of()));
        return Optional.of(new Decision(commands, history));
    }

    /**
     * The current step did not answer in time. Before giving up, its command goes out again (participants
     * are idempotent per order). On giving up, the order fails and everything is undone, the silent step
     * included: its compensation also fences off a late effect (a release before a reservation refuses the
     * reservation). An order that never started is started.
     */
    Decision onDeadline(Order order, boolean giveUp) {
        if (order.status() == OrderStatus.PENDING) {
            return start(order);
        }
        Optional<Step> current =
                steps.stream().filter(s -> s.status() == order.status()).findFirst();
        if (current.isEmpty()) {
            return Decision.none();
        }
        Step step = current.get();
        if (!giveUp) {
            return new Decision(
                    List.of(step.action().apply(order)),
                    List.of(new Recorded(
                            "step_retried",
                            Map.of("step", step.status().wireName(), "attempt", order.stepAttempts() + 1))));
        }
        List<Object> commands = new ArrayList<>();
        List<Recorded> history = new ArrayList<>();
        history.add(new Recorded("step_timed_out", Map.of("step", step.status().wireName())));
        if (step.compensable()) {
            Object compensation = step.compensation().apply(order);
            commands.add(compensation);
            history.add(compensationRequested(compensation));
        }
        compensateStepsBefore(step, order, commands, history);
        Failure failure = new Failure(
                "step_timed_out", "No answer from the " + step.status().wireName() + " step in time");
        order.fail(failure.reason(), failure.detail());
        history.add(new Recorded("order_failed", failure));
        return new Decision(commands, history);
    }

    /** The saga as data, for the state diagram shown to people: drawn from the same definition that runs. */
    record Transition(OrderStatus from, OrderStatus to, String on) {}

    List<Transition> transitions() {
        List<Transition> transitions = new ArrayList<>();
        transitions.add(new Transition(OrderStatus.PENDING, steps.get(0).status(), "OrderPlaced"));
        transitions.add(new Transition(OrderStatus.PENDING, OrderStatus.CANCELLED, "cancel"));
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            OrderStatus next = i + 1 < steps.size() ? steps.get(i + 1).status() : OrderStatus.COMPLETED;
            step.successes()
                    .keySet()
                    .forEach(r -> transitions.add(new Transition(step.status(), next, r.getSimpleName())));
            step.failures()
                    .keySet()
                    .forEach(
                            r -> transitions.add(new Transition(step.status(), OrderStatus.FAILED, r.getSimpleName())));
            transitions.add(new Transition(step.status(), OrderStatus.FAILED, "deadline"));
            if (step.status().isCancellable()) {
                transitions.add(new Transition(step.status(), OrderStatus.CANCELLED, "cancel"));
            }
        }
        return transitions;
    }

    /** A reply after the saga ended: work it reports as done is undone, unless the order completed. */
    private Decision lateReply(Order order, Step step, boolean success, Object reply) {
        List<Recorded> history = new ArrayList<>();
        history.add(new Recorded(eventType(reply), reply));
        if (success && step.compensable() && order.status() != OrderStatus.COMPLETED) {
            Object compensation = step.compensation().apply(order);
            history.add(compensationRequested(compensation));
            return new Decision(List.of(compensation), history);
        }
        return new Decision(List.of(), history);
    }

    private void compensateStepsBefore(Step current, Order order, List<Object> commands, List<Recorded> history) {
        for (int i = steps.indexOf(current) - 1; i >= 0; i--) {
            Step done = steps.get(i);
            if (done.compensable()) {
                Object compensation = done.compensation().apply(order);
                commands.add(compensation);
                history.add(compensationRequested(compensation));
            }
        }
    }

    private Optional<Step> stepFor(Class<?> replyType) {
        return steps.stream()
                .filter(s ->
                        s.successes().containsKey(replyType) || s.failures().containsKey(replyType))
                .findFirst();
    }

    private static Recorded compensationRequested(Object compensation) {
        return new Recorded(
                "compensation_requested",
                Map.of("action", snakeCase(compensation.getClass().getSimpleName())));
    }

    static String eventType(Object message) {
        return snakeCase(message.getClass().getSimpleName());
    }

    private static String snakeCase(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    static final class Builder {

        private final List<Step> steps = new ArrayList<>();
        private final Set<Class<?>> recordOnly = new HashSet<>();
        private OrderStatus status;
        private Function<Order, Object> action;
        private Function<Order, Object> compensation;
        private Map<Class<?>, BiConsumer<Order, Object>> successes;
        private Map<Class<?>, Function<Object, Failure>> failures;

        Builder step(OrderStatus status) {
            flush();
            this.status = status;
            this.successes = new LinkedHashMap<>();
            this.failures = new LinkedHashMap<>();
            this.compensation = null;
            return this;
        }

        Builder invoke(Function<Order, Object> action) {
            this.action = action;
            return this;
        }

        Builder compensateWith(Function<Order, Object> compensation) {
            this.compensation = compensation;
            return this;
        }

        <R> Builder onReply(Class<R> type, BiConsumer<Order, R> effect) {
            successes.put(type, (order, reply) -> effect.accept(order, type.cast(reply)));
            return this;
        }

        <R> Builder onReply(Class<R> type) {
            return onReply(type, (order, reply) -> {});
        }

        <R> Builder failOn(Class<R> type, Function<R, Failure> failure) {
            failures.put(type, reply -> failure.apply(type.cast(reply)));
            return this;
        }

        /** Replies to compensations: recorded in the history, no decision to take. */
        Builder recordOnly(Class<?>... types) {
            recordOnly.addAll(List.of(types));
            return this;
        }

        Saga whenCompleted(Function<Order, Object> onCompletion) {
            flush();
            return new Saga(steps, onCompletion, recordOnly);
        }

        private void flush() {
            if (status != null) {
                steps.add(new Step(status, action, compensation, Map.copyOf(successes), Map.copyOf(failures)));
                status = null;
            }
        }
    }
}
