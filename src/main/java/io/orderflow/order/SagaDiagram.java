package io.orderflow.order;

import java.util.List;
import java.util.Map;

/**
 * The fulfilment saga as data, generated from its definition in code, with the live number of orders in
 * each state: what the operations page draws.
 */
public record SagaDiagram(
        List<String> states, List<Transition> transitions, List<Compensation> compensations, Map<String, Long> counts) {

    /** A move between states: the reply or event that causes it, and the commands it sends. */
    public record Transition(String from, String to, String on, List<String> sends) {}

    public record Compensation(String step, String action) {}
}
