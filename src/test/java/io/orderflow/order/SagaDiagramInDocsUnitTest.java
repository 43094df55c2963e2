package io.orderflow.order;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The saga's state diagram in docs/architecture.md is generated from the definition that runs, so it cannot
 * drift: this test fails when the two differ, and rewrites the docs when run with
 * {@code -Dorderflow.docs.regenerate=true}.
 */
class SagaDiagramInDocsUnitTest {

    static final Path ARCHITECTURE = Path.of("docs/architecture.md");
    static final String BEGIN =
            "<!-- generated from OrderFulfilment.SAGA by SagaDiagramInDocsUnitTest: do not edit -->";
    static final String END = "<!-- end of generated saga diagram -->";

    @Test
    void theArchitectureDocumentShowsTheSagaAsDefinedInCode() throws IOException {
        String doc = Files.readString(ARCHITECTURE, StandardCharsets.UTF_8);
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        assertThat(begin)
                .as("the generated section's markers in " + ARCHITECTURE)
                .isNotNegative();
        assertThat(end).isGreaterThan(begin);
        String generated = BEGIN + "\n" + mermaid(OrderFulfilment.SAGA);
        String current = doc.substring(begin, end);
        if (Boolean.getBoolean("orderflow.docs.regenerate")) {
            Files.writeString(ARCHITECTURE, doc.substring(0, begin) + generated + doc.substring(end));
            return;
        }
        assertThat(current)
                .as("the saga changed: regenerate its diagram with "
                        + "./mvnw test -Dtest=SagaDiagramInDocsUnitTest -Dorderflow.docs.regenerate=true")
                .isEqualTo(generated);
    }

    @Test
    void theDiagramDrawsEveryMoveTheSagaMakes() {
        String diagram = mermaid(OrderFulfilment.SAGA);

        assertThat(diagram)
                .contains("    shipping --> failed: deadline / CancelShipment, RefundPayment, ReleaseStock\n")
                .contains("    validating --> inventory_check: OrderValidated / ReserveStock\n")
                .contains("    completed --> [*]\n");
        assertThat(diagram.lines().filter(l -> l.contains(" --> ")).count())
                .isEqualTo(OrderFulfilment.SAGA.transitions().size()
                        + 1
                        + terminalStates().size());
    }

    /** A Mermaid state diagram: every transition with the reply or event that causes it and what it sends. */
    static String mermaid(Saga saga) {
        StringBuilder out = new StringBuilder("```mermaid\nstateDiagram-v2\n");
        out.append("    [*] --> pending: POST /api/orders (OrderPlaced)\n");
        for (Saga.Transition t : saga.transitions()) {
            out.append("    ")
                    .append(t.from().wireName())
                    .append(" --> ")
                    .append(t.to().wireName())
                    .append(": ")
                    .append(t.on());
            if (!t.sends().isEmpty()) {
                out.append(" / ").append(String.join(", ", t.sends()));
            }
            out.append('\n');
        }
        terminalStates().forEach(s -> out.append("    ").append(s).append(" --> [*]\n"));
        return out.append("```\n").toString();
    }

    private static List<String> terminalStates() {
        Set<OrderStatus> reached = OrderFulfilment.SAGA.transitions().stream()
                .map(Saga.Transition::to)
                .collect(Collectors.toSet());
        return Stream.of(OrderStatus.values())
                .filter(OrderStatus::isTerminal)
                .filter(reached::contains)
                .map(OrderStatus::wireName)
                .toList();
    }
}
