package io.orderflow.order;

import static io.orderflow.PageSource.quoted;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.PageSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The web pages keep their own copies of the order vocabulary, in {@code static/shared/order-status.js}: every
 * status in order (the operations console counts and charts them), the stages the customer's page draws, a label
 * per status, which statuses are final and which can be cancelled. They must say what the saga says, or a page
 * shows a step that does not exist, leaves out a status, or offers a cancel the server refuses.
 */
class PageVocabularyUnitTest {

    static final PageSource PAGE = PageSource.of("shared/order-status.js");

    @Test
    void theStagesThePageDrawsAreTheSagasStepsInOrder() {
        List<String> saga = new ArrayList<>();
        saga.add(OrderStatus.PENDING.wireName());
        OrderFulfilment.SAGA.steps().forEach(step -> saga.add(step.status().wireName()));
        saga.add(OrderStatus.COMPLETED.wireName());

        assertThat(quoted(PAGE.constant("STAGES"), "status: '([a-z_]+)'")).containsExactlyElementsOf(saga);
    }

    @Test
    void thePagesListEveryStatusInTheServersOrder() {
        assertThat(quoted(PAGE.constant("STATUSES"), "'([a-z_]+)'")).containsExactlyElementsOf(wireNames());
    }

    @Test
    void everyStatusHasALabelAndThereAreNoOthers() {
        assertThat(quoted(PAGE.constant("STATUS_LABELS"), "^\\s*([a-z_]+):"))
                .containsExactlyInAnyOrderElementsOf(wireNames());
    }

    @Test
    void theFinalAndCancellableStatusesAreTheServers() {
        assertThat(quoted(PAGE.constant("TERMINAL"), "'([a-z_]+)'"))
                .containsExactlyInAnyOrderElementsOf(statuses(true));
        assertThat(quoted(PAGE.constant("CANCELLABLE"), "'([a-z_]+)'"))
                .containsExactlyInAnyOrderElementsOf(statuses(false));
    }

    private static List<String> wireNames() {
        return Arrays.stream(OrderStatus.values()).map(OrderStatus::wireName).toList();
    }

    /** The terminal statuses, or else the ones the saga lets a customer cancel. */
    private static List<String> statuses(boolean terminal) {
        return Arrays.stream(OrderStatus.values())
                .filter(s -> terminal ? s.isTerminal() : s.isCancellable())
                .map(OrderStatus::wireName)
                .toList();
    }
}
