package io.orderflow.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Keeps the test classes that start many processes or database pools at once ({@code @ExtendWith} on the class)
 * from running at the same time as each other in the two test JVMs failsafe runs: each holds a lock file from before
 * its first start to after its last stop, while the other JVM goes on with lighter classes. Two of them together
 * would ask the local PostgreSQL for more connections than its default of 100, and both cores would be taken by
 * processes starting at once, which some of them time.
 */
public final class OneHeavyClassAtATime implements BeforeAllCallback, AfterAllCallback {

    static final Path LOCK = Path.of("target", "heavy-test-class.lock").toAbsolutePath();

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(OneHeavyClassAtATime.class);

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        context.getStore(NAMESPACE).put(LockFile.class, LockFile.take(LOCK));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        LockFile held = context.getStore(NAMESPACE).remove(LockFile.class, LockFile.class);
        if (held != null) {
            try {
                held.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
