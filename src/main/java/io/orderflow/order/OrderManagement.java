package io.orderflow.order;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.orderflow.messaging.MessageContext;
import io.orderflow.messaging.MessageTypes;
import io.orderflow.messaging.Outbox;
import io.orderflow.messaging.PoisonMessageException;
import io.orderflow.platform.AfterCommit;
import io.orderflow.platform.ApiProblem;
import io.orderflow.platform.security.Caller;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Places and cancels orders and applies the saga's decisions. A decision (new state, history, commands)
 * commits in one transaction with the outbox rows that carry its commands.
 */
@Service
public class OrderManagement {

    private static final int MAX_CONFLICT_RETRIES = 10;
    /** The saga's compensation commands: what a failed order's lifecycle event says was undone. */
    private static final Set<Class<?>> COMPENSATIONS = OrderFulfilment.SAGA.steps().stream()
            .filter(Saga.Step::compensable)
            .map(step -> step.compensation().command())
            .collect(Collectors.toUnmodifiableSet());
    /** The same, by message type name, for those who read the messages (the operations module's order timeline). */
    private static final Set<String> COMPENSATION_TYPES =
            COMPENSATIONS.stream().map(MessageTypes::nameOf).collect(Collectors.toUnmodifiableSet());

    private final Orders orders;
    private final Outbox outbox;
    private final OrderChanges changes;
    private final DeadlinePolicy deadlines;
    private final MeterRegistry meters;
    private final Admission admission;
    private final InlineSteps inline;
    private final TransactionTemplate transactions;
    private final Clock clock;
    /** The stage and order timers by status, registered on first use (a lookup per order showed in profiles). */
    private final Map<OrderStatus, Timer> stageTimers = new ConcurrentHashMap<>();

    private final Map<OrderStatus, Timer> orderTimers = new ConcurrentHashMap<>();

    OrderManagement(
            Orders orders,
            Outbox outbox,
            OrderChanges changes,
            DeadlinePolicy deadlines,
            MeterRegistry meters,
            Admission admission,
            InlineSteps inline,
            TransactionTemplate transactions) {
        this.orders = orders;
        this.inline = inline;
        this.transactions = transactions;
        this.outbox = outbox;
        this.changes = changes;
        this.deadlines = deadlines;
        this.meters = meters;
        this.admission = admission;
        // PostgreSQL keeps microseconds: what we answer must equal what a later read returns
        this.clock = Clock.tick(Clock.systemUTC(), Duration.ofNanos(1000));
    }

    /**
     * Accepts an order for {@code caller} and starts its saga (ADR 0013): {@link #start} then {@link #place(Started,
     * Caller, String)}, the participants' read-only steps asked before the placing transaction opens (ADR 0021), unless
     * the caller holds one already.
     */
    public Placement place(NewOrder request, Caller caller, @Nullable String presentedToken) {
        Started started = start(request);
        return requireNonNull(transactions.execute(status -> place(started, caller, presentedToken)));
    }

    /**
     * Builds the new order and runs its saga as far as this process can without a message: the read-only steps that
     * can be asked from here ({@link InlineSteps}; the catalog's pricing, in this process or over HTTP) are asked
     * now, before a transaction holds a database connection. Nothing is written.
     */
    public Started start(NewOrder request) {
        String chosenId = request.orderId();
        String id = chosenId != null ? chosenId : UUID.randomUUID().toString();
        Instant now = clock.instant();
        String givenEmail = request.customerEmail();
        Order order = Order.place(
                id,
                givenEmail == null ? null : givenEmail.trim(),
                request.items().stream()
                        .map(i -> new Order.Item(i.sku(), i.quantity(), i.unitPrice()))
                        .toList(),
                request.cardToken(),
                request.shippingAddress(),
                now);
        List<Orders.Entry> history = new ArrayList<>();
        // the first event records what was placed, so the history alone can tell the order (OrderHistory)
        history.add(new Orders.Entry(
                new Saga.Recorded(OrderHistory.ORDER_PLACED, OrderHistory.placed(order)), order.status()));
        List<Object> commands = startSaga(order, history);
        order.recorded(history.size(), now);
        order.stepEntered(now, deadlines.resendAfter());
        return new Started(order, history, commands, chosenId != null, now);
    }

    /**
     * Records a {@link #start started} order for {@code caller} with its history and its first commands, in one
     * transaction. A customer's order is theirs; a guest order gets an order token, shown in this answer only.
     * Placing a client-chosen id again returns the existing order to whoever may see it, and is refused (409) for
     * anyone else.
     */
    @Transactional
    public Placement place(Started started, Caller caller, @Nullable String presentedToken) {
        if (!admission.tryAdmit()) {
            throw overloaded();
        }
        Order order = started.order;
        String id = order.id();
        Instant now = started.at;
        Ownership.Guest guest = caller.isCustomer() ? null : Ownership.guest(started.idChosenByClient);
        Ownership ownership = guest == null
                ? Ownership.customer(caller.customerId().orElseThrow(), started.idChosenByClient)
                : guest.ownership();
        Optional<List<OrderView.Event>> history = orders.insert(order, ownership, started.history);
        if (history.isEmpty()) {
            boolean visible = orders.ownership(id)
                    .map(o -> o.admits(caller, presentedToken))
                    .orElse(false);
            if (!visible) {
                throw new ApiProblem(
                        HttpStatus.CONFLICT,
                        "order-id-taken",
                        "The order id '" + id
                                + "' is taken; choose another, or leave it out and one is chosen for you");
            }
            return new Placement(find(id), false);
        }
        String email = order.customerEmail();
        if (email != null) { // the lifecycle events tell the customer: an order without an address has nobody to tell
            outbox.send(
                    "order",
                    new OrderPlaced(
                            id,
                            email,
                            order.items().stream()
                                    .map(i -> new OrderPlaced.Item(i.sku(), i.quantity()))
                                    .toList()),
                    id,
                    null);
        }
        carryOut(order, started.commands, OrderStatus.PENDING, now, now, null);
        OrderView view = view(order, history.get());
        return new Placement(guest == null ? view : view.withOrderToken(guest.orderToken()), true);
    }

    /** A new order with its saga started in memory ({@link #start}), to be recorded once ({@link #place}). */
    public static final class Started {

        private final Order order;
        private final List<Orders.Entry> history;
        private final List<Object> commands;
        private final boolean idChosenByClient;
        private final Instant at;

        private Started(
                Order order, List<Orders.Entry> history, List<Object> commands, boolean idChosenByClient, Instant at) {
            this.order = order;
            this.history = List.copyOf(history);
            this.commands = List.copyOf(commands);
            this.idChosenByClient = idChosenByClient;
            this.at = at;
        }
    }

    /**
     * Starts the saga and takes the answers of the read-only steps that can be asked from this process
     * ({@link InlineSteps}): what is returned is the first command that must travel as a message (none when the
     * order already failed). Records each decision's history with the status it left the order in.
     */
    private List<Object> startSaga(Order order, List<Orders.Entry> history) {
        Saga.Decision decision = OrderFulfilment.SAGA.start(order);
        while (true) {
            for (Saga.Recorded event : decision.history()) {
                history.add(new Orders.Entry(event, order.status()));
            }
            if (decision.commands().size() != 1) {
                return decision.commands();
            }
            Optional<Object> reply = inline.answer(decision.commands().get(0));
            if (reply.isEmpty()) {
                return decision.commands();
            }
            decision = OrderFulfilment.SAGA.on(order, reply.get());
        }
    }

    /**
     * Lets a new order through the door of a full pipeline, waiting at most {@code orderflow.admission.max-wait} for
     * room, or refuses it (503 with {@code Retry-After}): no transaction, no database connection, so an overloaded
     * shop answers refusals quickly. {@link #place} takes the order in on the place it holds; the caller must
     * {@link #leave} when the request ends, whatever happened to it.
     */
    public void refuseIfFull() {
        if (!admission.awaitRoom()) {
            throw overloaded();
        }
    }

    /**
     * Lets a new order through the door as {@link #refuseIfFull} does, or says it was refused (counted as such): for
     * a caller that answers the refusal itself, with {@link #OVERLOADED} and {@link #retryAfterSeconds}, before
     * anything else is done for the request. The caller must {@link #leave} when the request ends.
     */
    public boolean awaitRoom() {
        return admission.awaitRoom();
    }

    /** Gives back the place at the door that this thread's request took and did not use, if any. */
    public void leave() {
        admission.leave();
    }

    /** The {@code Retry-After} of a refusal, in seconds. */
    public long retryAfterSeconds() {
        return admission.retryAfterSeconds();
    }

    /** The detail of the {@code /problems/overloaded} answer. */
    public static final String OVERLOADED =
            "The shop is taking as many orders as it can finish in time; try again shortly";

    private ApiProblem overloaded() {
        return new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "overloaded", OVERLOADED, Map.of())
                .withHeader("Retry-After", Long.toString(admission.retryAfterSeconds()));
    }

    /** The order with its history, if {@code caller} may see it; to anyone else it does not exist (404). */
    @Transactional(readOnly = true)
    public OrderView find(String id, Caller caller, @Nullable String presentedToken) {
        checkAccess(id, caller, presentedToken);
        return find(id);
    }

    /**
     * The order as it was at {@code point}, if {@code caller} may see it: folded from its history up to there
     * ({@link OrderHistory}), with that history; to anyone else it does not exist (404). A point before the order
     * existed, or a sequence past its last event, is a 404 of its own ({@code history-point-not-found}).
     */
    @Transactional(readOnly = true)
    public OrderView findAt(String id, HistoryPoint point, Caller caller, @Nullable String presentedToken) {
        checkAccess(id, caller, presentedToken);
        Integer sequence = point.sequence();
        Instant instant = point.instant();
        List<OrderView.Event> events =
                sequence != null ? orders.eventsUpTo(id, sequence) : orders.eventsUntil(id, requireNonNull(instant));
        if (sequence != null && events.size() < sequence) {
            throw new ApiProblem(
                    HttpStatus.NOT_FOUND,
                    "history-point-not-found",
                    "Order '" + id + "' has no event " + sequence + ": its history ends at sequence " + events.size(),
                    Map.of("last_sequence", events.size()));
        }
        if (events.isEmpty()) {
            Instant createdAt = orders.eventsUpTo(id, 1).stream()
                    .findFirst()
                    .map(OrderView.Event::occurredAt)
                    .orElseThrow(() -> ApiProblem.notFound("Order", id));
            throw new ApiProblem(
                    HttpStatus.NOT_FOUND,
                    "history-point-not-found",
                    "Order '" + id + "' did not exist yet at " + instant + ": it was placed at " + createdAt,
                    Map.of("created_at", createdAt.toString()));
        }
        return OrderHistory.replay(id, events);
    }

    /**
     * Where the order stands (status and version, no items, no history), if {@code caller} may see it: the cheap
     * read for clients that poll. The version changes with every step, so it doubles as the entity tag. One
     * statement, so no transaction around it: a read-only one cost a {@code BEGIN READ ONLY} and a {@code COMMIT}
     * per poll, three round trips where one does.
     */
    public OrderStatusView status(String id, Caller caller, @Nullable String presentedToken) {
        Orders.Glance glance = orders.glance(id)
                .filter(g -> g.ownership().admits(caller, presentedToken))
                .orElseThrow(() -> ApiProblem.notFound("Order", id));
        return new OrderStatusView(
                id, glance.status().wireName(), glance.version(), glance.updatedAt(), glance.failureReason());
    }

    /** Who may see the order, or empty when there is no such order. */
    @Transactional(readOnly = true)
    public Optional<Ownership> ownership(String id) {
        return orders.ownership(id);
    }

    private void checkAccess(String id, Caller caller, @Nullable String presentedToken) {
        if (!orders.ownership(id).map(o -> o.admits(caller, presentedToken)).orElse(false)) {
            throw ApiProblem.notFound("Order", id);
        }
    }

    /**
     * The order's row and its history up to the row's version. The two are read by two statements, each with its
     * own snapshot (read committed), so a step that commits between them would otherwise show a history one entry
     * ahead of its order's version.
     */
    private OrderView find(String id) {
        Order order = orders.find(id).orElseThrow(() -> ApiProblem.notFound("Order", id));
        return view(order, orders.eventsUpTo(id, order.version()));
    }

    /** Orders, newest first; each filter given (status, e-mail, {@code customerId}: one customer's own) narrows them. */
    @Transactional(readOnly = true)
    public OrderPage list(
            @Nullable OrderStatus status,
            @Nullable String customerEmail,
            @Nullable String customerId,
            int page,
            int size) {
        String statusName = status == null ? null : status.wireName();
        List<OrderView> items = orders.list(statusName, customerEmail, customerId, page, size).stream()
                .map(o -> view(o, null))
                .toList();
        return new OrderPage(items, page, size, orders.count(statusName, customerEmail, customerId));
    }

    /** The order's history after {@code sequence}, in order; empty when there is nothing newer. */
    @Transactional(readOnly = true)
    public List<OrderView.Event> eventsAfter(String id, int sequence) {
        return orders.eventsAfter(id, sequence);
    }

    /** The order without its history, or empty when it does not exist. */
    @Transactional(readOnly = true)
    public Optional<OrderView> summary(String id) {
        return orders.find(id).map(o -> view(o, null));
    }

    /** Current versions of the given orders (missing ids are absent). */
    @Transactional(readOnly = true)
    public Map<String, Integer> versions(Collection<String> ids) {
        return orders.versions(ids);
    }

    /** The message types of the saga's compensation commands: ReleaseStock, RefundPayment, CancelShipment. */
    public static Set<String> compensationTypes() {
        return COMPENSATION_TYPES;
    }

    @Transactional(readOnly = true)
    public SagaDiagram sagaDiagram() {
        Saga saga = OrderFulfilment.SAGA;
        List<String> states =
                Arrays.stream(OrderStatus.values()).map(OrderStatus::wireName).toList();
        List<SagaDiagram.Transition> transitions = saga.transitions().stream()
                .map(t -> new SagaDiagram.Transition(t.from().wireName(), t.to().wireName(), t.on(), t.sends()))
                .toList();
        List<SagaDiagram.Compensation> compensations = saga.steps().stream()
                .filter(Saga.Step::compensable)
                .map(step -> new SagaDiagram.Compensation(
                        step.status().wireName(), step.compensation().command().getSimpleName()))
                .toList();
        Map<String, Long> counts = new LinkedHashMap<>();
        orders.summaryByStatus().forEach((status, summary) -> counts.put(status.wireName(), summary.orders()));
        return new SagaDiagram(states, transitions, compensations, counts);
    }

    /** Cancels an order whose shipment has not been requested; the saga undoes what was done. */
    @Transactional
    public OrderView cancel(String id, Caller caller, @Nullable String presentedToken) {
        checkAccess(id, caller, presentedToken);
        decide(
                id,
                null,
                order -> OrderFulfilment.SAGA
                        .cancel(order)
                        .orElseThrow(() -> new ApiProblem(
                                HttpStatus.CONFLICT,
                                "order-not-cancellable",
                                "Order " + id + " is " + order.status().wireName() + " and can no longer be cancelled",
                                Map.of("order_status", order.status().wireName()))));
        return find(id);
    }

    /** The order's current step has been silent past its deadline: re-send, or give up and compensate. */
    @Transactional
    public void onDeadline(String id) {
        decide(id, null, order -> {
            Instant now = clock.instant();
            if (order.nextDeadlineAt() == null || order.nextDeadlineAt().isAfter(now)) {
                return Saga.Decision.none(); // someone else acted first, or the order moved on
            }
            boolean giveUp = order.stepStartedAt() != null
                    && !now.isBefore(order.stepStartedAt().plus(deadlines.giveUpAfter(order.status())));
            Saga.Decision decision = OrderFulfilment.SAGA.onDeadline(order, giveUp);
            if (!giveUp && order.status() != OrderStatus.PENDING) {
                order.stepResent(now, deadlines.resendAfter());
            }
            return decision;
        });
    }

    void start(OrderPlaced event, MessageContext context) {
        decide(event.orderId(), context.messageId(), OrderFulfilment.SAGA::start);
    }

    void onReply(Object reply, MessageContext context) {
        decide(
                requireNonNull(context.orderId(), "a reply to the saga names its order"),
                context.messageId(),
                order -> OrderFulfilment.SAGA.on(order, reply));
    }

    /**
     * Loads, decides and writes with the version as guard; if another transaction got there first, decides
     * again on the fresh state. Works inside the caller's transaction: a failed guarded update changes nothing.
     */
    private void decide(String orderId, @Nullable UUID causationId, Function<Order, Saga.Decision> rule) {
        for (int attempt = 1; attempt <= MAX_CONFLICT_RETRIES; attempt++) {
            Order order = orders.find(orderId)
                    .orElseThrow(() -> causationId == null
                            ? ApiProblem.notFound("Order", orderId)
                            : new PoisonMessageException("message for unknown order " + orderId));
            int expectedVersion = order.version();
            OrderStatus before = order.status();
            Instant stepStartedAt = order.stepStartedAt();
            Saga.Decision decision = rule.apply(order);
            if (decision.changesNothing()) {
                return;
            }
            Instant now = clock.instant();
            order.recorded(decision.history().size(), now);
            if (order.status() != before) {
                order.stepEntered(now, deadlines.resendAfter());
            }
            OrderStatus decided = order.status();
            List<Orders.Entry> history = decision.history().stream()
                    .map(event -> new Orders.Entry(event, decided))
                    .toList();
            if (!orders.update(order, expectedVersion, history)) {
                continue;
            }
            carryOut(order, decision.commands(), before, stepStartedAt, now, causationId);
            return;
        }
        throw new OptimisticLockingFailureException("order " + orderId + " kept changing under us; will retry");
    }

    /**
     * What follows a decision once the order is written, when placing it and on every later decision: its
     * commands go out, the lifecycle event if the order just ended, the stage timings (recorded after commit) if
     * it moved, and the live announcement.
     */
    private void carryOut(
            Order order,
            List<Object> commands,
            OrderStatus before,
            @Nullable Instant stepStartedAt,
            Instant now,
            @Nullable UUID causationId) {
        commands.forEach(command -> outbox.send("order", command, order.id(), causationId));
        if (!before.isTerminal() && order.status().isTerminal() && order.customerEmail() != null) {
            outbox.send("order", lifecycleEvent(order, commands), order.id(), causationId);
        }
        if (order.status() != before) {
            recordTimings(order, before, stepStartedAt, now);
        }
        changes.announceAfterCommit(order.id());
    }

    /** Stage and end-to-end latency, recorded once the transaction that decided them commits. */
    private void recordTimings(Order order, OrderStatus stage, @Nullable Instant stageStartedAt, Instant now) {
        Duration inStage = stageStartedAt == null ? null : Duration.between(stageStartedAt, now);
        Duration total = order.status().isTerminal() ? Duration.between(order.createdAt(), now) : null;
        OrderStatus outcome = order.status();
        Runnable record = () -> {
            if (inStage != null) {
                stageTimers
                        .computeIfAbsent(
                                stage,
                                s -> Timer.builder("orderflow.saga.stage.duration")
                                        .description("Time an order spent in a saga stage")
                                        .tag("stage", s.wireName())
                                        .publishPercentileHistogram()
                                        .register(meters))
                        .record(inStage);
            }
            if (total != null) {
                orderTimers
                        .computeIfAbsent(
                                outcome,
                                s -> Timer.builder("orderflow.order.duration")
                                        .description("Order acceptance to terminal state")
                                        .tag("outcome", s.wireName())
                                        .publishPercentileHistogram()
                                        .register(meters))
                        .record(total);
                admission.finished(total);
            }
        };
        AfterCommit.run(record);
    }

    /** The event that announces {@code order}'s end; {@code commands} are those of the decision that ended it. */
    private static Object lifecycleEvent(Order order, List<Object> commands) {
        String email = requireNonNull(order.customerEmail(), "only an order with an e-mail address announces its end");
        return switch (order.status()) {
            case COMPLETED ->
                new OrderCompleted(
                        order.id(),
                        email,
                        requireNonNull(order.totalAmount(), "a completed order is priced"),
                        requireNonNull(order.currency(), "a completed order is priced"),
                        requireNonNull(order.trackingNumber(), "a completed order is shipped"));
            case FAILED ->
                new OrderFailed(
                        order.id(),
                        email,
                        requireNonNull(order.failureReason(), "a failed order has a reason"),
                        order.failureDetail(),
                        commands.stream()
                                .map(Object::getClass)
                                .filter(COMPENSATIONS::contains)
                                .map(MessageTypes::nameOf)
                                .toList());
            case CANCELLED -> new OrderCancelled(order.id(), email);
            default -> throw new IllegalStateException("not terminal: " + order.status());
        };
    }

    /** The order as the API shows it, from its current row; time travel folds the same shape from the history. */
    static OrderView view(Order order, @Nullable List<OrderView.Event> events) {
        List<OrderView.Item> items = order.pricedItems() != null
                ? order.pricedItems().stream()
                        .map(i -> new OrderView.Item(i.sku(), i.name(), i.quantity(), i.unitPrice(), i.lineTotal()))
                        .toList()
                : order.items().stream()
                        .map(i -> new OrderView.Item(i.sku(), null, i.quantity(), i.unitPrice(), null))
                        .toList();
        return new OrderView(
                order.id(),
                order.status().wireName(),
                order.customerEmail(),
                items,
                order.totalAmount(),
                order.currency(),
                order.failureReason(),
                order.failureDetail(),
                order.paymentId(),
                order.trackingNumber(),
                order.shippingAddress(),
                order.version(),
                order.createdAt(),
                order.updatedAt(),
                events,
                null);
    }
}
