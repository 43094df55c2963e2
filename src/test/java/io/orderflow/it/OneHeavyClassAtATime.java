package io.orderflow.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

    /** The lock and its channel, closed together when the class is done. */
    private record Held(FileChannel channel, FileLock lock) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        Files.createDirectories(LOCK.getParent());
        FileChannel channel = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            context.getStore(NAMESPACE).put(Held.class, new Held(channel, channel.lock()));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Held held = context.getStore(NAMESPACE).remove(Held.class, Held.class);
        if (held != null) {
            try {
                held.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
