package io.orderflow.order;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The web page keeps its own copies of the order vocabulary (it has no build step and asks the server for no
 * schema): the stages it draws, a label per status, which statuses are final and which can be cancelled. They
 * must say what the saga says, or the page shows a step that does not exist or offers a cancel the server refuses.
 */
class PageVocabularyUnitTest {

    static final String PAGE = page();

    @Test
    void theStagesThePageDrawsAreTheSagasStepsInOrder() {
        List<String> saga = new ArrayList<>();
        saga.add(OrderStatus.PENDING.wireName());
        OrderFulfilment.SAGA.steps().forEach(step -> saga.add(step.status().wireName()));
        saga.add(OrderStatus.COMPLETED.wireName());

        assertThat(quoted(constant("STAGES"), "status: '([a-z_]+)'")).containsExactlyElementsOf(saga);
    }

    @Test
    void everyStatusHasALabelAndThereAreNoOthers() {
        assertThat(quoted(constant("STATUS_LABELS"), "^\\s*([a-z_]+):"))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(OrderStatus.values())
                        .map(OrderStatus::wireName)
                        .toList());
    }

    @Test
    void theFinalAndCancellableStatusesAreTheServers() {
        assertThat(quoted(constant("TERMINAL"), "'([a-z_]+)'")).containsExactlyInAnyOrderElementsOf(statuses(true));
        assertThat(quoted(constant("CANCELLABLE"), "'([a-z_]+)'")).containsExactlyInAnyOrderElementsOf(statuses(false));
    }

    /** The terminal statuses, or else the ones the saga lets a customer cancel. */
    private static List<String> statuses(boolean terminal) {
        return Arrays.stream(OrderStatus.values())
                .filter(s -> terminal ? s.isTerminal() : s.isCancellable())
                .map(OrderStatus::wireName)
                .toList();
    }

    /** The source of {@code const NAME = ...;} in app.js, up to the statement's end. */
    private static String constant(String name) {
        Matcher m = Pattern.compile("const " + name + " = (.*?);\\n", Pattern.DOTALL)
                .matcher(PAGE);
        assertThat(m.find()).as("app.js declares " + name).isTrue();
        return m.group(1);
    }

    private static Set<String> quoted(String source, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(source);
        Set<String> found = new LinkedHashSet<>();
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    private static String page() {
        try (InputStream in = PageVocabularyUnitTest.class.getResourceAsStream("/static/app.js")) {
            assertThat(in).as("app.js on the classpath").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
