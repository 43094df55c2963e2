package io.orderflow.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The harness's small chores that must not throw: they run in loops that poll, and in shutdown hooks. */
final class Quietly {

    private Quietly() {}

    /** Sleeps; an interrupt ends the sleep early and stays set for the caller's loop to see. */
    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Deletes {@code dir} and everything below it; says on stderr what it could not remove. */
    static void removeTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            System.err.println("chaos: could not remove " + dir + ": " + e.getMessage());
        }
    }
}
