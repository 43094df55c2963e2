package io.orderflow;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static io.orderflow.SchemaOwnership.checkJava;
import static io.orderflow.SchemaOwnership.checkJavaTree;
import static io.orderflow.SchemaOwnership.checkMigration;
import static io.orderflow.SchemaOwnership.checkMigrationTree;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import io.orderflow.platform.ApiProblem;
import io.orderflow.platform.Modules;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.Modulithic;
import org.springframework.modulith.core.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * The architecture, checked on every build: the module structure (Spring Modulith) and that each module
 * keeps to its own database schema.
 */
class ModularityTest {

    /**
     * The modulith as the architecture sees it. {@link OrderflowApplication} deliberately has no
     * {@code @SpringBootApplication} (no component scan from the root: every module switches itself on), and
     * Spring Modulith is a test dependency, so its metadata lives here, in the application's root package.
     */
    @Modulithic(
            systemName = "orderflow",
            sharedModules = {"messaging", "platform"})
    static final class Orderflow {}

    static final ApplicationModules MODULES = ApplicationModules.of(Orderflow.class);

    static final Path MAIN_JAVA = Path.of("src/main/java");
    static final Path MIGRATIONS = Path.of("src/main/resources/db/migration");

    @Nested
    class ModuleStructure {

        @Test
        void describesTheApplicationsOwnPackages() {
            assertThat(Orderflow.class.getPackageName()).isEqualTo(OrderflowApplication.class.getPackageName());
        }

        @Test
        void hasTheBusinessModulesAndTheSharedKernels() {
            Set<String> names = MODULES.stream()
                    .map(ApplicationModule::getIdentifier)
                    .map(Object::toString)
                    .collect(Collectors.toCollection(TreeSet::new));

            // operations: the operator-facing API and page, beside the modules it serves; compat: the seeds' clients'
            // paths, beside the order module; tools: the benchmark and invariant checker, shipped in the jar, a
            // read-only auditor of all schemas; gateway and discovery: the edge roles of the distributed mode
            assertThat(names)
                    .containsExactlyInAnyOrderElementsOf(concat(
                            Modules.ALL,
                            List.of("operations", "compat", "messaging", "platform", "tools", "gateway", "discovery")));
            assertThat(MODULES.getSharedModules())
                    .extracting(m -> m.getIdentifier().toString())
                    .containsExactlyInAnyOrder("messaging", "platform");
        }

        @Test
        void modulesUseOnlyEachOthersApiAndDependOnEachOtherWithoutCycles() {
            MODULES.verify();
        }

        @Test
        void sharedKernelsDependOnNoBusinessModule() {
            assertThat(dependenciesOf("messaging")).containsOnly("platform");
            assertThat(dependenciesOf("platform")).isEmpty();
        }

        @Test
        void writesTheModuleDocumentation() {
            String folder = "target/spring-modulith-docs";
            new Documenter(MODULES, Documenter.Options.defaults().withOutputFolder(folder))
                    .writeDocumentation()
                    .writeIndividualModulesAsPlantUml();

            assertThat(Path.of(folder, "components.puml")).isNotEmptyFile();
            assertThat(Path.of(folder, "module-order.puml")).isNotEmptyFile();
        }

        @Test
        void noModuleDependsOnTheTools() {
            MODULES.stream()
                    .map(m -> m.getIdentifier().toString())
                    .filter(m -> !m.equals("tools"))
                    .forEach(m -> assertThat(dependenciesOf(m))
                            .as("dependencies of %s", m)
                            .doesNotContain("tools"));
        }

        @Test
        void operationsServesTheKernelsDeadLettersAndTheOrderSagaAndNoModuleDependsOnIt() {
            assertThat(dependenciesOf("operations")).containsOnly("messaging", "order", "platform");
            MODULES.stream()
                    .map(m -> m.getIdentifier().toString())
                    .filter(m -> !m.equals("operations"))
                    .forEach(m -> assertThat(dependenciesOf(m))
                            .as("dependencies of %s", m)
                            .doesNotContain("operations"));
        }

        @Test
        void theSeedsCompatibilityLayerUsesOnlyTheOrderModulesApiAndNoModuleDependsOnIt() {
            assertThat(dependenciesOf("compat")).containsOnly("order", "platform");
            MODULES.stream()
                    .map(m -> m.getIdentifier().toString())
                    .filter(m -> !m.equals("compat"))
                    .forEach(m -> assertThat(dependenciesOf(m))
                            .as("dependencies of %s", m)
                            .doesNotContain("compat"));
        }

        @Test
        void theEdgeRolesDependOnNoBusinessModule() {
            assertThat(dependenciesOf("gateway")).containsOnly("platform");
            assertThat(dependenciesOf("discovery")).containsOnly("platform");
        }

        @Test
        void toolsDependOnNoBusinessModule() {
            assertThat(dependenciesOf("tools")).isEmpty();
        }

        private Set<String> dependenciesOf(String module) {
            ApplicationModule found = MODULES.getModuleByName(module).orElseThrow();
            return found.getDirectDependencies(MODULES)
                    .uniqueModules()
                    .map(m -> m.getIdentifier().toString())
                    .collect(Collectors.toSet());
        }
    }

    /**
     * The messaging kernel knows nothing of HTTP: it throws its own exceptions and the operations module turns
     * them into problem+json. Spring Modulith sees only module-to-module dependencies, so this is a class-level
     * check of the kernel against the web types.
     */
    @Nested
    class KernelWithoutWeb {

        @Test
        void theMessagingKernelUsesNoWebTypes() {
            JavaClasses kernel = new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPackages("io.orderflow.messaging");

            assertThat(kernel).isNotEmpty();
            noWebTypesIn("io.orderflow.messaging..").check(kernel);
        }

        @Test
        void reportsAPlantedKernelClassThatThrowsAnHttpProblem() {
            JavaClasses planted = new ClassFileImporter().importClasses(PlantedKernelClass.class);

            EvaluationResult result = noWebTypesIn("io.orderflow..").evaluate(planted);

            assertThat(result.hasViolation()).isTrue();
            assertThat(String.join("\n", result.getFailureReport().getDetails()))
                    .contains("ApiProblem", "org.springframework.http.HttpStatus");
        }

        static ArchRule noWebTypesIn(String kernelPackage) {
            return noClasses()
                    .that()
                    .resideInAPackage(kernelPackage)
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage("org.springframework.web..", "org.springframework.http..", "jakarta.servlet..")
                    .orShould()
                    .dependOnClassesThat()
                    .belongToAnyOf(ApiProblem.class)
                    .because("the messaging kernel throws its own exceptions; the operations module maps them to HTTP");
        }

        /**
         * One delivery pipeline without an import cycle: the transports depend on the dispatcher, the dispatcher on
         * the outbox, and neither of those on the transports (the outbox needs only {@code DirectEnqueue}, the
         * duplicate fault re-delivers through a hook the transport sets).
         */
        @Test
        void theDispatcherAndTheOutboxDoNotDependOnTheTransport() {
            JavaClasses kernel = new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPackages("io.orderflow.messaging");

            noClasses()
                    .that()
                    .haveFullyQualifiedName("io.orderflow.messaging.Dispatcher")
                    .or()
                    .haveFullyQualifiedName("io.orderflow.messaging.Outbox")
                    .or()
                    .haveFullyQualifiedName("io.orderflow.messaging.TransportFaults")
                    .should()
                    .dependOnClassesThat()
                    .haveFullyQualifiedName("io.orderflow.messaging.Transport")
                    .check(kernel);
        }

        /** What the dead-letter store did before the operations module existed. */
        static final class PlantedKernelClass {
            void redrive() {
                throw new ApiProblem(org.springframework.http.HttpStatus.CONFLICT, "dead-letter-not-parked", "no");
            }
        }
    }

    @Nested
    class TableOwnership {

        @Test
        void noModuleCodeReferencesAnotherModulesSchema() {
            assertThat(checkJavaTree(MAIN_JAVA)).isEmpty();
        }

        @Test
        void noModuleMigrationReferencesAnotherModulesSchema() {
            assertThat(checkMigrationTree(MIGRATIONS)).isEmpty();
        }

        @Test
        void seesEveryModulesSqlSoTheChecksAboveAreNotVacuous() {
            Map<String, Set<String>> ownSchemasReferenced = new TreeMap<>();
            Path base = MAIN_JAVA.resolve("io/orderflow");
            for (Path file : SchemaOwnership.files(base, ".java")) {
                String module = SchemaOwnership.packagePath(base, file).split("/")[0];
                for (var literal : SchemaOwnership.stringLiterals(SchemaOwnership.read(file))) {
                    for (var reference : SchemaOwnership.schemaReferences(literal.value())) {
                        ownSchemasReferenced
                                .computeIfAbsent(module, m -> new TreeSet<>())
                                .add(reference.schema());
                    }
                }
            }

            for (String module : Modules.ALL) {
                assertThat(ownSchemasReferenced.get(module))
                        .as("schemas named by the %s module", module)
                        .containsExactly(Modules.schemaOf(module));
            }
            assertThat(ownSchemasReferenced.get("messaging")).containsExactly(SchemaOwnership.BROKER);
            assertThat(ownSchemasReferenced.get("compat")).containsExactly(SchemaOwnership.COMPAT);
            assertThat(SchemaOwnership.files(MIGRATIONS, ".sql")).hasSizeGreaterThanOrEqualTo(Modules.ALL.size());
        }

        @Test
        void knowsEverySchema() {
            assertThat(SchemaOwnership.SCHEMAS)
                    .containsExactlyInAnyOrder(
                            "orders",
                            "catalog",
                            "inventory",
                            "payment",
                            "shipping",
                            "notification",
                            "customer",
                            "compat",
                            "broker");
            for (String directory : List.of(
                    "order",
                    "catalog",
                    "inventory",
                    "payment",
                    "shipping",
                    "notification",
                    "customer",
                    "compat",
                    "broker",
                    "messaging")) {
                assertThat(MIGRATIONS.resolve(directory)).isDirectory();
            }
        }
    }

    /** The checker itself: it must catch what the rules forbid, and nothing else. */
    @Nested
    class TableOwnershipChecker {

        @Test
        void reportsACatalogQueryOnInventorysTable() {
            var violations = checkJava("catalog", "Fake.java", """
                    package io.orderflow.catalog;

                    class Fake {
                        int stock(JdbcClient jdbc) {
                            return jdbc.sql("select * from inventory.stock").query(Integer.class).single();
                        }
                    }
                    """);

            assertThat(violations).singleElement().satisfies(v -> {
                assertThat(v.owner()).isEqualTo("catalog");
                assertThat(v.schema()).isEqualTo("inventory");
                assertThat(v.line()).isEqualTo(5);
                assertThat(v.toString()).contains("Fake.java:5", "catalog", "'inventory'", "inventory.stock");
            });
        }

        @Test
        void reportsAReferenceSplitAcrossConcatenatedLiterals() {
            var violations = checkJava("payment", "Fake.java", """
                    class Fake {
                        String sql = "select available from inventory"
                                + ".stock where sku = ?";
                    }
                    """);

            assertThat(violations).extracting(SchemaOwnership.Violation::schema).containsExactly("inventory");
        }

        @Test
        void reportsReferencesInTextBlocksQuotedNamesAndAnyCase() {
            String quote = "\"";
            String textBlock = quote.repeat(3);
            var violations = checkJava(
                    "shipping",
                    "Fake.java",
                    "class Fake {\n"
                            + "    String a = " + textBlock
                            + "\n        update ORDERS.purchase_order set status = 'x'\n"
                            + "        " + textBlock + ";\n"
                            + "    String b = \"select * from \\\"payment\\\".\\\"payment\\\"\";\n"
                            + "    String c = \"set search_path to notification\";\n"
                            + "}\n");

            assertThat(violations)
                    .extracting(SchemaOwnership.Violation::schema)
                    .containsExactlyInAnyOrder("orders", "payment", "notification");
            assertThat(violations).extracting(SchemaOwnership.Violation::line).containsExactlyInAnyOrder(3, 5, 6);
        }

        @Test
        void ignoresPackageNamesImportsCommentsAndPropertyKeys() {
            var violations = checkJava("catalog", "Fake.java", """
                    package io.orderflow.catalog;

                    import StockLevelsChanged;
                    import static PaymentModule.*;

                    /** Reads inventory.stock through events, never directly. */
                    class Fake {
                        // not: select * from inventory.stock
                        String type = "io.orderflow.inventory.StockLevelsChanged";
                        @Value("${orderflow.payment.provider.latency:0ms}") Duration latency;
                        String own = "select * from catalog.product";
                        char quote = '"';
                        String text = "payment declined. Try another card";
                    }
                    """);

            assertThat(violations).isEmpty();
        }

        @Test
        void letsOnlyThePostgresTransportUseTheBrokerSchema() {
            String source = "class Fake { String sql = \"delete from broker.message where id = ?\"; }";

            assertThat(checkJava("messaging/postgres", "Fake.java", source)).isEmpty();
            assertThat(checkJava("messaging", "Fake.java", source)).hasSize(1);
            assertThat(checkJava("messaging/rabbit", "Fake.java", source)).hasSize(1);
            assertThat(checkJava("order", "Fake.java", source))
                    .extracting(SchemaOwnership.Violation::schema)
                    .containsExactly("broker");
        }

        @Test
        void letsTheMessagingKernelNameModuleSchemasButNotThePlatform() {
            String source = "class Fake { String sql = \"insert into orders.outbox (id) values (?)\"; }";

            assertThat(checkJava("messaging", "Fake.java", source)).isEmpty();
            assertThat(checkJava("platform", "Fake.java", source)).hasSize(1);
            assertThat(checkJava("", "Fake.java", source)).hasSize(1);
        }

        @Test
        void letsTheCompatibilityLayerUseItsOwnSchemaOnly() {
            String own = "class Fake { String sql = \"select * from compat.seed_order\"; }";
            String orders = "class Fake { String sql = \"select * from orders.purchase_order\"; }";

            assertThat(checkJava("compat", "Fake.java", own)).isEmpty();
            assertThat(checkJava("order", "Fake.java", own)).hasSize(1);
            assertThat(checkJava("compat", "Fake.java", orders))
                    .extracting(SchemaOwnership.Violation::schema)
                    .containsExactly("orders");
            assertThat(checkMigration("compat", "compat/V2__x.sql", "select * from orders.purchase_order;\n"))
                    .hasSize(1);
        }

        @Test
        void letsTheToolsReadEverySchema() {
            String source = "class Fake { String sql = \"select * from orders.purchase_order o join payment.payment p "
                    + "on p.order_id = o.id join broker.message m on true\"; }";

            assertThat(checkJava("tools", "Fake.java", source)).isEmpty();
            assertThat(checkJava("platform", "Fake.java", source)).hasSize(3);
        }

        @Test
        void letsTheOperationsModuleReadEveryModuleSchemaButNotTheBrokers() {
            String modules = "class Fake { String sql = \"select * from notification.notification n "
                    + "join orders.journal j on j.order_id = n.order_id\"; }";
            String broker = "class Fake { String sql = \"select * from broker.message\"; }";

            assertThat(checkJava("operations", "Fake.java", modules)).isEmpty();
            assertThat(checkJava("operations", "Fake.java", broker))
                    .extracting(SchemaOwnership.Violation::schema)
                    .containsExactly("broker");
        }

        @Test
        void letsTheOrderModuleUseTheOrdersSchema() {
            String source = "class Fake { String sql = \"select * from orders.purchase_order\"; }";

            assertThat(checkJava("order", "Fake.java", source)).isEmpty();
            assertThat(checkJava("order/web", "Fake.java", source)).isEmpty();
            assertThat(checkJava("notification", "Fake.java", source)).hasSize(1);
        }

        @Test
        void reportsAMigrationThatReachesIntoAnotherModulesSchema() {
            var violations = checkMigration("inventory", "inventory/V3__view.sql", """
                    -- a convenience view
                    create view stock_with_price as
                        select s.sku, s.available, p.price
                        from stock s join catalog.product p on p.sku = s.sku;
                    """);

            assertThat(violations).singleElement().satisfies(v -> {
                assertThat(v.schema()).isEqualTo("catalog");
                assertThat(v.line()).isEqualTo(4);
            });
        }

        @Test
        void reportsAMigrationThatSwitchesToAnotherSchema() {
            assertThat(checkMigration("payment", "payment/V2__x.sql", "set search_path to orders, public;\n"))
                    .extracting(SchemaOwnership.Violation::schema)
                    .containsExactly("orders");
            assertThat(checkMigration("messaging", "messaging/V2__x.sql", "create schema if not exists broker;\n"))
                    .extracting(SchemaOwnership.Violation::schema)
                    .containsExactly("broker");
        }

        @Test
        void ignoresSchemaNamesInSqlCommentsAndValues() {
            var violations = checkMigration("catalog", "catalog/V9__x.sql", """
                    -- read model of inventory.stock
                    /* fed by inventory's StockLevelsChanged, see inventory.stock */
                    insert into product (sku, name, description, price, currency)
                        values ('PROD-9', 'Gift card', 'Redeem at payment.example.com; it''s shipping.free', 10, 'USD');
                    select * from catalog.product;
                    """);

            assertThat(violations).isEmpty();
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }
}
