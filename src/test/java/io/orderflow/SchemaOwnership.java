package io.orderflow;

import io.orderflow.platform.Modules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Each module owns one schema and no module touches another's tables. Finds schema references in SQL: in
 * the string literals of Java sources (never in imports, package names or comments) and in migration
 * scripts (never in comments or SQL string values).
 *
 * <p>Rules: code under {@code io/orderflow/<module>/} may name only {@code Modules.schemaOf(<module>)};
 * {@code messaging} builds module schema names with {@code Modules.schemaOf} and is exempt for them;
 * {@code broker} belongs to {@code io/orderflow/messaging/postgres} alone; {@code compat} (the seeds' compatibility
 * layer, not a process of its own) owns the schema of its name; {@code platform} and the root
 * package name no schema; {@code operations} (the operator-facing read side: the order timeline) may read
 * every module schema, not the broker's; {@code tools} (benchmark and checker) may read them all. A migration under {@code db/migration/<module>/} may name only that module's
 * schema ({@code broker/} only {@code broker}; the kernel's {@code messaging/} scripts, applied into every
 * module's schema, none).
 */
final class SchemaOwnership {

    static final String BROKER = "broker";

    /** The operator tools package (benchmark, invariant checker), not a business module. */
    static final String TOOLS = "tools";

    /** The operator-facing API and page, which reads across the module schemas for the order timeline. */
    static final String OPERATIONS = "operations";

    /** The seeds' compatibility layer: beside the order module, with a schema of its own. */
    static final String COMPAT = "compat";

    /** Every schema of the system: one per module, the compatibility layer's, and the PostgreSQL transport's broker. */
    static final List<String> SCHEMAS = Stream.concat(
                    Modules.ALL.stream().map(Modules::schemaOf), Stream.of(COMPAT, BROKER))
            .toList();

    private static final String ANY_SCHEMA = String.join("|", SCHEMAS);

    /** {@code inventory.stock}, {@code "inventory"."stock"}, but not {@code io.orderflow.inventory.Stock}. */
    private static final Pattern QUALIFIED_NAME =
            Pattern.compile("(?<![\\w.$\"])\"?(" + ANY_SCHEMA + ")\"?\\.\"?[a-z_][\\w$]*", Pattern.CASE_INSENSITIVE);

    /** {@code set search_path to inventory}, {@code create schema inventory}, {@code alter schema inventory ...}. */
    private static final Pattern SCHEMA_STATEMENT = Pattern.compile(
            "\\b(?:search_path\\s*(?:to|=)\\s*(?:[\\w\"]+\\s*,\\s*)*|schema\\s+(?:if\\s+(?:not\\s+)?exists\\s+)?)\"?("
                    + ANY_SCHEMA + ")\\b",
            Pattern.CASE_INSENSITIVE);

    record Violation(String file, int line, String owner, String schema, String reference) {

        @Override
        public String toString() {
            return file + ":" + line + ": " + owner + " references schema '" + schema + "' (" + reference + ")";
        }
    }

    record Reference(String schema, String text, int offset) {}

    /**
     * A string literal of a Java source; literals joined with {@code +} are one, {@code starts[k]} being
     * where in {@code value} the k-th source literal begins and {@code lines[k]} the line it starts on.
     */
    record Literal(String value, List<Integer> starts, List<Integer> lines) {

        static Literal of(String value, int line) {
            return new Literal(value, List.of(0), List.of(line));
        }

        Literal join(Literal next) {
            List<Integer> joinedStarts = new ArrayList<>(starts);
            joinedStarts.add(value.length());
            List<Integer> joinedLines = new ArrayList<>(lines);
            joinedLines.add(next.line());
            return new Literal(value + next.value(), joinedStarts, joinedLines);
        }

        int line() {
            return lines.get(0);
        }

        /** The source line of the character at {@code offset} of the value. */
        int lineAt(int offset) {
            int k = 0;
            while (k + 1 < starts.size() && starts.get(k + 1) <= offset) {
                k++;
            }
            return lines.get(k)
                    + (int) value.substring(starts.get(k), offset)
                            .chars()
                            .filter(c -> c == '\n')
                            .count();
        }
    }

    private SchemaOwnership() {}

    // --- rules ------------------------------------------------------------------------------------------------

    /**
     * Which schemas code may reference, by its package path below {@code io/orderflow} ({@code "catalog"},
     * {@code "messaging/postgres"}, {@code ""} for the root package).
     */
    static Set<String> schemasAllowedInCode(String packagePath) {
        String top = packagePath.contains("/") ? packagePath.substring(0, packagePath.indexOf('/')) : packagePath;
        Set<String> allowed = new LinkedHashSet<>();
        if (Modules.ALL.contains(top)) {
            allowed.add(Modules.schemaOf(top));
        }
        if (top.equals(COMPAT)) {
            allowed.add(COMPAT);
        }
        if (top.equals("messaging")) {
            Modules.ALL.stream().map(Modules::schemaOf).forEach(allowed::add);
        }
        if (packagePath.equals("messaging/postgres") || packagePath.startsWith("messaging/postgres/")) {
            allowed.add(BROKER);
        }
        if (top.equals(OPERATIONS)) {
            // the operator-facing read side: the order timeline reads the journals, dead letters and kept
            // notifications of every module from the shared database (read only; never the broker's queue)
            Modules.ALL.stream().map(Modules::schemaOf).forEach(allowed::add);
        }
        if (top.equals(TOOLS)) {
            // the benchmark and invariant checker: a read-only auditor of every schema (plus benchmark SKU
            // setup, as there is no product admin API); no module depends on it (see ModularityTest)
            allowed.addAll(SCHEMAS);
        }
        return allowed;
    }

    /** Which schemas the scripts in {@code db/migration/<directory>} may reference. */
    static Set<String> schemasAllowedInMigrations(String directory) {
        if (Modules.ALL.contains(directory)) {
            return Set.of(Modules.schemaOf(directory));
        }
        return directory.equals(BROKER) || directory.equals(COMPAT) ? Set.of(directory) : Set.of();
    }

    /** The violations in one Java source file of the package {@code packagePath} (below io/orderflow). */
    static List<Violation> checkJava(String packagePath, String file, String source) {
        Set<String> allowed = schemasAllowedInCode(packagePath);
        String owner = packagePath.isEmpty() ? "the root package" : packagePath.replace('/', '.');
        List<Violation> violations = new ArrayList<>();
        for (Literal literal : stringLiterals(source)) {
            for (Reference reference : schemaReferences(literal.value())) {
                if (!allowed.contains(reference.schema())) {
                    violations.add(new Violation(
                            file, literal.lineAt(reference.offset()), owner, reference.schema(), reference.text()));
                }
            }
        }
        return violations;
    }

    /** The violations in one migration script of {@code db/migration/<directory>}. */
    static List<Violation> checkMigration(String directory, String file, String sql) {
        Set<String> allowed = schemasAllowedInMigrations(directory);
        String code = stripSqlCommentsAndValues(sql);
        List<Violation> violations = new ArrayList<>();
        for (Reference reference : schemaReferences(code)) {
            if (!allowed.contains(reference.schema())) {
                int line = 1
                        + (int) code.substring(0, reference.offset())
                                .chars()
                                .filter(c -> c == '\n')
                                .count();
                violations.add(
                        new Violation(file, line, "migrations of " + directory, reference.schema(), reference.text()));
            }
        }
        return violations;
    }

    /** Checks every Java source below {@code sourceRoot/io/orderflow}. */
    static List<Violation> checkJavaTree(Path sourceRoot) {
        Path base = sourceRoot.resolve("io/orderflow");
        return files(base, ".java").stream()
                .flatMap(file ->
                        checkJava(
                                packagePath(base, file),
                                sourceRoot.relativize(file).toString(),
                                read(file))
                                .stream())
                .toList();
    }

    /** Checks every migration below {@code migrationRoot} ({@code db/migration}). */
    static List<Violation> checkMigrationTree(Path migrationRoot) {
        return files(migrationRoot, ".sql").stream()
                .flatMap(file -> checkMigration(
                        migrationRoot.relativize(file).getName(0).toString(),
                        migrationRoot.relativize(file).toString(),
                        read(file))
                        .stream())
                .toList();
    }

    // --- finding references -----------------------------------------------------------------------------------

    static List<Reference> schemaReferences(String sql) {
        List<Reference> references = new ArrayList<>();
        for (Pattern pattern : List.of(QUALIFIED_NAME, SCHEMA_STATEMENT)) {
            Matcher m = pattern.matcher(sql);
            while (m.find()) {
                references.add(new Reference(m.group(1).toLowerCase(Locale.ROOT), m.group(), m.start()));
            }
        }
        return references;
    }

    /**
     * The string literals (and text blocks) of a Java source, unescaped. Literals joined only by {@code +}
     * are joined, so {@code "from inventory" + ".stock"} reads as one string.
     */
    static List<Literal> stringLiterals(String source) {
        List<Literal> literals = new ArrayList<>();
        int line = 1;
        int i = 0;
        int n = source.length();
        boolean afterLiteral = false; // nothing but blanks and comments since the last literal
        boolean joinNext = false; // ... and then a single '+'

        while (i < n) {
            char c = source.charAt(i);
            if (c == '\n') {
                line++;
                i++;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else if (source.startsWith("//", i)) {
                while (i < n && source.charAt(i) != '\n') {
                    i++;
                }
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                line += count(source, i, end, '\n');
                i = end;
            } else if (c == '\'') {
                i = skipQuoted(source, i, '\'');
                afterLiteral = false;
                joinNext = false;
            } else if (c == '"') {
                int startLine = line;
                int end;
                String raw;
                if (source.startsWith("\"\"\"", i)) {
                    int close = findClosingTextBlock(source, i + 3);
                    raw = source.substring(i + 3, close);
                    end = close + 3;
                } else {
                    end = skipQuoted(source, i, '"');
                    raw = source.substring(i + 1, end - 1);
                }
                line += count(source, i, end, '\n');
                String value = unescape(raw);
                if (joinNext && !literals.isEmpty()) {
                    Literal previous = literals.remove(literals.size() - 1);
                    literals.add(previous.join(Literal.of(value, startLine)));
                } else {
                    literals.add(Literal.of(value, startLine));
                }
                i = end;
                afterLiteral = true;
                joinNext = false;
            } else if (c == '+' && afterLiteral && !joinNext) {
                joinNext = true;
                i++;
            } else {
                afterLiteral = false;
                joinNext = false;
                i++;
            }
        }
        return literals;
    }

    private static int skipQuoted(String source, int start, char quote) {
        int i = start + 1;
        while (i < source.length() && source.charAt(i) != quote && source.charAt(i) != '\n') {
            i += source.charAt(i) == '\\' ? 2 : 1;
        }
        return Math.min(i + 1, source.length());
    }

    private static int findClosingTextBlock(String source, int from) {
        int i = from;
        while (i < source.length()) {
            if (source.charAt(i) == '\\') {
                i += 2;
            } else if (source.startsWith("\"\"\"", i)) {
                return i;
            } else {
                i++;
            }
        }
        return source.length();
    }

    private static String unescape(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length()) {
                char next = raw.charAt(++i);
                out.append(
                        switch (next) {
                            case 'n' -> '\n';
                            case 't' -> '\t';
                            case 'r' -> '\r';
                            case 's' -> ' ';
                            default -> next;
                        });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Blanks out comments and quoted values, keeping line breaks so line numbers stay right. */
    static String stripSqlCommentsAndValues(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            int end;
            if (sql.startsWith("--", i)) {
                end = sql.indexOf('\n', i);
                end = end < 0 ? sql.length() : end;
            } else if (sql.startsWith("/*", i)) {
                end = sql.indexOf("*/", i + 2);
                end = end < 0 ? sql.length() : end + 2;
            } else if (c == '\'') {
                end = i + 1;
                while (end < sql.length() && !(sql.charAt(end) == '\'' && !sql.startsWith("''", end))) {
                    end += sql.startsWith("''", end) ? 2 : 1;
                }
                end = Math.min(end + 1, sql.length());
            } else {
                out.append(c);
                i++;
                continue;
            }
            for (int k = i; k < end; k++) {
                out.append(sql.charAt(k) == '\n' ? '\n' : ' ');
            }
            i = end;
        }
        return out.toString();
    }

    // --- files ------------------------------------------------------------------------------------------------

    static List<Path> files(Path root, String suffix) {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String packagePath(Path base, Path file) {
        Path dir = base.relativize(file).getParent();
        return dir == null ? "" : dir.toString().replace('\\', '/');
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int count(String s, int from, int to, char c) {
        int count = 0;
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == c) {
                count++;
            }
        }
        return count;
    }
}
