package io.orderflow.messaging;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.MDC;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Carries the trace across the outbox and the broker: the outbox stores the current trace context (W3C
 * {@code traceparent}) in the message's headers, and the dispatcher continues it in a consumer span, so
 * an order is one trace from the HTTP request through every module and process it touches.
 */
@Component
public class MessageTracing {

    /** MDC key (and structured-log field) of the order a log line is about. */
    public static final String ORDER_ID = "order_id";

    private final Tracer tracer;
    private final Propagator propagator;

    MessageTracing(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        this.tracer = tracer.getIfAvailable(() -> Tracer.NOOP);
        this.propagator = propagator.getIfAvailable(() -> Propagator.NOOP);
    }

    /** The current trace context as message headers ({@code traceparent}, ...); empty outside a trace. */
    Map<String, String> currentHeaders() {
        Span span = tracer.currentSpan();
        if (span == null) {
            return Map.of();
        }
        TraceContext context = span.context();
        Map<String, String> headers = new HashMap<>();
        propagator.inject(context, headers, (carrier, key, value) -> headers.put(key, value));
        return headers;
    }

    /**
     * Runs {@code log} with the envelope's order id and trace id in the MDC: for log lines written about a
     * message outside its handler's span (retries, parking).
     */
    void inLogContext(Envelope envelope, Runnable log) {
        Map<String, String> previous = MDC.getCopyOfContextMap();
        try {
            if (envelope.orderId() != null) {
                MDC.put(ORDER_ID, envelope.orderId());
            }
            String traceparent = envelope.headers().get("traceparent");
            // W3C: version-traceid(32 hex)-parentid(16 hex)-flags
            if (MDC.get("traceId") == null && traceparent != null && traceparent.length() >= 35) {
                MDC.put("traceId", traceparent.substring(3, 35));
            }
            log.run();
        } finally {
            if (previous == null) {
                MDC.clear();
            } else {
                MDC.setContextMap(previous);
            }
        }
    }

    /**
     * Runs {@code work} in a consumer span named after the message type, child of the span that sent the
     * message (or a new trace when it carried none), with the order id in the MDC for the log lines.
     */
    <T> T handle(String module, Envelope envelope, Supplier<T> work) {
        Span span = propagator
                .extract(envelope.headers(), (carrier, key) -> carrier.get(key))
                .name(envelope.type())
                .kind(Span.Kind.CONSUMER)
                .tag("module", module)
                .tag("type", String.valueOf(envelope.type()))
                .tag(ORDER_ID, String.valueOf(envelope.orderId()))
                .start();
        String previousOrder = MDC.get(ORDER_ID);
        if (envelope.orderId() != null) {
            MDC.put(ORDER_ID, envelope.orderId());
        }
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            return work.get();
        } catch (RuntimeException e) {
            span.error(e);
            throw e;
        } finally {
            span.end();
            if (previousOrder == null) {
                MDC.remove(ORDER_ID);
            } else {
                MDC.put(ORDER_ID, previousOrder);
            }
        }
    }
}
