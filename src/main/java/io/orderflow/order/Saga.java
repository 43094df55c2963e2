package io.orderflow.order;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

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

    /**
     * What undoes a step: the command, how to build it for an order, and the reply that confirms it (recorded
     * in the history, no decision to take). Declared, so the diagram and the queue bindings read it.
     */
    record Compensation(Class<?> command, Function<Order, ?> create, Class<?> confirmedBy) {}

    /**
     * One step: the status the order is in while it runs, the command that starts it, the participant's
     * sealed reply type with an outcome for each of its permitted replies, and the compensation, if any.
     */
    record Step(
            OrderStatus status,
            Class<?> command,
            Function<Order, ?> action,
            Class<?> replyType,
            Map<Class<?>, BiConsumer<Order, Object>> successes,
            Map<Class<?>, Function<Object, Failure>> failures,
            @Nullable Compensation undo) {

        boolean compensable() {
            return undo != null;
        }

        /** The step's compensation; only for a {@link #compensable()} step. */
        Compensation compensation() {
            return requireNonNull(undo, () -> "step " + status + " has no compensation");
        }
    }

    private final List<Step> steps;
    private final Class<?> completionCommand;
    private final Function<Order, ?> onCompletion;
    private final Set<Class<?>> recordOnly;

    private Saga(List<Step> steps, Class<?> completionCommand, Function<Order, ?> onCompletion) {
        this.steps = List.copyOf(steps);
        this.completionCommand = completionCommand;
        this.onCompletion = onCompletion;
        this.recordOnly = steps.stream()
                .filter(Step::compensable)
                .map(step -> step.compensation().confirmedBy())
                .collect(Collectors.toCollection(LinkedHashSet::new));
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
                List.<Object>of(first.action().apply(order)), List.of(new Recorded("fulfilment_started", Map.of())));
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
            requireNonNull(step.successes().get(reply.getClass())).accept(order, reply);
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
            Failure failure =
                    requireNonNull(step.failures().get(reply.getClass())).apply(reply);
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
                    List.<Object>of(step.action().apply(order)),
                    List.of(new Recorded(
                            "step_retried",
                            Map.of("step", step.status().wireName(), "attempt", order.stepAttempts() + 1))));
        }
        List<Object> commands = new ArrayList<>();
        List<Recorded> history = new ArrayList<>();
        history.add(new Recorded("step_timed_out", Map.of("step", step.status().wireName())));
        if (step.compensable()) {
            Object compensation = step.compensation().create().apply(order);
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

    /**
     * The saga as data, for the state diagrams shown to people and in the docs: drawn from the same
     * definition that runs. {@code sends} names the commands the move sends, compensations in the order they
     * go out.
     */
    record Transition(OrderStatus from, OrderStatus to, String on, List<String> sends) {

        Transition(OrderStatus from, OrderStatus to, String on, Class<?>... sends) {
            this(from, to, on, Arrays.stream(sends).map(Class::getSimpleName).toList());
        }
    }

    List<Transition> transitions() {
        List<Transition> transitions = new ArrayList<>();
        Step first = steps.get(0);
        transitions.add(new Transition(OrderStatus.PENDING, first.status(), "OrderPlaced", first.command()));
        transitions.add(new Transition(OrderStatus.PENDING, OrderStatus.CANCELLED, "cancel"));
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            boolean last = i + 1 == steps.size();
            OrderStatus next = last ? OrderStatus.COMPLETED : steps.get(i + 1).status();
            Class<?> nextCommand = last ? completionCommand : steps.get(i + 1).command();
            Class<?>[] undoBefore = compensationsBefore(i);
            step.successes()
                    .keySet()
                    .forEach(r -> transitions.add(new Transition(step.status(), next, r.getSimpleName(), nextCommand)));
            step.failures()
                    .keySet()
                    .forEach(r -> transitions.add(
                            new Transition(step.status(), OrderStatus.FAILED, r.getSimpleName(), undoBefore)));
            List<Class<?>> undoAll = new ArrayList<>();
            if (step.compensable()) {
                undoAll.add(step.compensation().command());
            }
            undoAll.addAll(List.of(undoBefore));
            transitions.add(
                    new Transition(step.status(), OrderStatus.FAILED, "deadline", undoAll.toArray(Class<?>[]::new)));
            if (step.status().isCancellable()) {
                transitions.add(new Transition(step.status(), OrderStatus.CANCELLED, "cancel", undoBefore));
            }
        }
        return transitions;
    }

    /** The compensations of the steps before step {@code index}, newest first: the order they are sent in. */
    private Class<?>[] compensationsBefore(int index) {
        List<Class<?>> commands = new ArrayList<>();
        for (int i = index - 1; i >= 0; i--) {
            if (steps.get(i).compensable()) {
                commands.add(steps.get(i).compensation().command());
            }
        }
        return commands.toArray(Class<?>[]::new);
    }

    /** A reply after the saga ended: work it reports as done is undone, unless the order completed. */
    private Decision lateReply(Order order, Step step, boolean success, Object reply) {
        List<Recorded> history = new ArrayList<>();
        history.add(new Recorded(eventType(reply), reply));
        if (success && step.compensable() && order.status() != OrderStatus.COMPLETED) {
            Object compensation = step.compensation().create().apply(order);
            history.add(compensationRequested(compensation));
            return new Decision(List.of(compensation), history);
        }
        return new Decision(List.of(), history);
    }

    private void compensateStepsBefore(Step current, Order order, List<Object> commands, List<Recorded> history) {
        for (int i = steps.indexOf(current) - 1; i >= 0; i--) {
            Step done = steps.get(i);
            if (done.compensable()) {
                Object compensation = done.compensation().create().apply(order);
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
        return new Recorded("compensation_requested", Map.of("action", EVENT_TYPES.get(compensation.getClass())));
    }

    static String eventType(Object message) {
        return EVENT_TYPES.get(message.getClass());
    }

    /** The history's name of each message class, worked out once (a regex per reply showed in profiles). */
    private static final ClassValue<String> EVENT_TYPES = new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
            return snakeCase(type.getSimpleName());
        }
    };

    private static String snakeCase(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    /** Builds a saga step by step; each step is checked when the next one begins. */
    static final class Builder {

        private final List<Step> steps = new ArrayList<>();

        private Builder() {}

        /** A step whose participant answers with one of the permitted subtypes of the sealed {@code replies}. */
        <R> StepBuilder<R> step(OrderStatus status, Class<R> replies) {
            return new StepBuilder<>(this, status, replies);
        }
    }

    /**
     * One step under construction, typed by its participant's sealed reply type: only its permitted replies
     * can be handled, and every one of them must be, as a success or a failure.
     */
    static final class StepBuilder<R> {

        private final Builder saga;
        private final OrderStatus status;
        private final Class<R> replies;
        private final Map<Class<?>, BiConsumer<Order, Object>> successes = new LinkedHashMap<>();
        private final Map<Class<?>, Function<Object, Failure>> failures = new LinkedHashMap<>();
        private @Nullable Class<?> command;
        private @Nullable Function<Order, ?> action;
        private @Nullable Compensation compensation;

        private StepBuilder(Builder saga, OrderStatus status, Class<R> replies) {
            if (!replies.isSealed()) {
                throw new IllegalArgumentException(
                        replies.getSimpleName() + " is not sealed: a step's replies must be a closed set");
            }
            this.saga = saga;
            this.status = status;
            this.replies = replies;
        }

        /** The command that starts the step, built from the order. */
        <C> StepBuilder<R> invoke(Class<C> command, Function<Order, ? extends C> action) {
            this.command = command;
            this.action = action;
            return this;
        }

        /** The command that undoes the step, and the reply that confirms it was undone. */
        <K> StepBuilder<R> compensateWith(Class<K> command, Function<Order, ? extends K> create, Class<?> confirmedBy) {
            this.compensation = new Compensation(command, create, confirmedBy);
            return this;
        }

        /** A reply that ends the step well, and what it changes on the order. */
        <T extends R> StepBuilder<R> onReply(Class<T> type, BiConsumer<Order, ? super T> effect) {
            handled(type);
            successes.put(type, (order, reply) -> effect.accept(order, type.cast(reply)));
            return this;
        }

        <T extends R> StepBuilder<R> onReply(Class<T> type) {
            return onReply(type, (order, reply) -> {});
        }

        /** A reply that fails the step, and so the order, for the given reason. */
        <T extends R> StepBuilder<R> failOn(Class<T> type, Function<? super T, Failure> failure) {
            handled(type);
            failures.put(type, reply -> failure.apply(type.cast(reply)));
            return this;
        }

        <N> StepBuilder<N> step(OrderStatus next, Class<N> nextReplies) {
            saga.steps.add(build());
            return saga.step(next, nextReplies);
        }

        /** Ends the definition: the command sent when the last step succeeded. */
        <C> Saga whenCompleted(Class<C> command, Function<Order, ? extends C> onCompletion) {
            saga.steps.add(build());
            return new Saga(saga.steps, command, onCompletion);
        }

        private void handled(Class<?> type) {
            if (successes.containsKey(type) || failures.containsKey(type)) {
                throw new IllegalArgumentException(type.getSimpleName() + " is handled twice in step " + status);
            }
        }

        private Step build() {
            if (command == null || action == null) {
                throw new IllegalStateException("step " + status + " has no command");
            }
            Set<Class<?>> unhandled = new LinkedHashSet<>(List.of(replies.getPermittedSubclasses()));
            unhandled.removeAll(successes.keySet());
            unhandled.removeAll(failures.keySet());
            if (!unhandled.isEmpty()) {
                throw new IllegalStateException("step " + status + " does not say what "
                        + unhandled.stream().map(Class::getSimpleName).toList() + " means");
            }
            return new Step(
                    status, command, action, replies, Map.copyOf(successes), Map.copyOf(failures), compensation);
        }
    }
}
