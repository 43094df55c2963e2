package io.orderflow.order;

import io.orderflow.messaging.ReadOnlyStep;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The saga steps this process can have answered before it records a decision: read-only participants that run here
 * or that it can ask over HTTP (see {@link ReadOnlyStep}; the catalog's validation, embedded or distributed). Empty
 * in a process without them, and when {@code orderflow.saga.inline-read-only-steps} is false (every command then
 * travels as a message).
 */
@Component
class InlineSteps {

    private final Map<Class<?>, ReadOnlyStep<?, ?>> steps = new HashMap<>();

    InlineSteps(
            List<ReadOnlyStep<?, ?>> available,
            @Value("${orderflow.saga.inline-read-only-steps:true}") boolean enabled) {
        if (enabled) {
            available.forEach(step -> steps.put(step.command(), step));
        }
    }

    /** The participant's reply to {@code command}, taken here, or empty when the command must be sent. */
    Optional<Object> answer(Object command) {
        ReadOnlyStep<?, ?> step = steps.get(command.getClass());
        return step == null ? Optional.empty() : answer(step, command);
    }

    private static <C, R> Optional<Object> answer(ReadOnlyStep<C, R> step, Object command) {
        return step.answer(step.command().cast(command)).map(Object.class::cast);
    }
}
