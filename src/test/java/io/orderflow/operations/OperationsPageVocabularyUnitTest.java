package io.orderflow.operations;

import static io.orderflow.PageSource.quoted;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.PageSource;
import io.orderflow.messaging.deadletter.DeadLetters;
import io.orderflow.platform.Modules;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The operations console learns the modules it serves from the server, but keeps two things of its own: the
 * dead-letter statuses its filter offers, and the form of a module name in a link to a dead letter. They must
 * match what the server takes, or the filter offers a status the server refuses and a link opens nothing.
 */
class OperationsPageVocabularyUnitTest {

    @Test
    void theFilterOffersTheServersDeadLetterStatusesAndAll() {
        String filter = only(PageSource.of("ops/index.html").text(), "(?s)<select name=\"status\">(.*?)</select>");
        List<String> expected = new ArrayList<>(DeadLetters.STATUSES);
        expected.add("all");

        assertThat(quoted(filter, "<option value=\"([a-z]+)\"")).containsExactlyElementsOf(expected);
    }

    @Test
    void aLinkToADeadLetterOpensOneOfEveryModule() {
        // the page's pattern, /^#dead-letter\/([a-z]+)\/(\d+)$/, means the same in Java
        Pattern moduleName = Pattern.compile(
                only(PageSource.of("ops/dead-letters.js").text(), "/\\^#dead-letter\\\\/\\(([^)]+)\\)\\\\/"));

        assertThat(Modules.ALL).allMatch(module -> moduleName.matcher(module).matches());
    }

    private static String only(String text, String regex) {
        Set<String> found = quoted(text, regex);
        assertThat(found).as(regex).hasSize(1);
        return found.iterator().next();
    }
}
