package io.orderflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The deployment files (deploy/compose.yaml, deploy/kubernetes/, the Prometheus and Grafana files) hold to the
 * code: every YAML file parses; every environment variable they give an orderflow process is a setting documented
 * in docs/configuration.md; the image they run is the one the Jib plugin in pom.xml builds; and each process gets
 * the port scripts/run-distributed.sh gives it, on which its probes, services and scrape targets look for it.
 * Plain file reading, no container engine or cluster.
 */
class DeploymentFilesUnitTest {

    static final Path DEPLOY = Path.of("deploy");
    static final Path COMPOSE = DEPLOY.resolve("compose.yaml");
    static final Path PROMETHEUS_COMPOSE = DEPLOY.resolve("prometheus-compose.yml");
    static final Path KUBERNETES = DEPLOY.resolve("kubernetes");
    static final Path CONFIGURATION_DOC = Path.of("docs/configuration.md");
    static final Path RUN_DISTRIBUTED = Path.of("scripts/run-distributed.sh");

    /** Every YAML file under deploy/, each a list of its documents. */
    static Map<Path, List<Object>> yaml;

    /** process name (module or role) -> port, as scripts/run-distributed.sh starts them. */
    static Map<String, Integer> expectedPorts;

    static String jibImage;

    @BeforeAll
    static void read() throws Exception {
        yaml = new TreeMap<>();
        try (Stream<Path> files = Files.walk(DEPLOY)) {
            for (Path file : files.filter(
                            p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted()
                    .toList()) {
                yaml.put(file, loadAll(Files.readString(file, StandardCharsets.UTF_8)));
            }
        }
        expectedPorts = portsOfRunDistributed();
        jibImage = jibImage();
    }

    // --- the files parse ------------------------------------------------------------------------------------

    @Test
    void everyYamlFileUnderDeployParses() {
        assertThat(yaml).containsKeys(COMPOSE, PROMETHEUS_COMPOSE, KUBERNETES.resolve("kustomization.yaml"));
        yaml.forEach((file, documents) -> {
            assertThat(documents).as(file + " has a document").isNotEmpty().allMatch(Objects::nonNull);
            // YAML carried inside a ConfigMap (the Prometheus adapter's rules) parses too
            for (Map<String, Object> configMap : ofKind(documents, "ConfigMap")) {
                map(configMap, "data").forEach((key, value) -> {
                    if (key.endsWith(".yaml") || key.endsWith(".yml")) {
                        assertThat(loadAll((String) value))
                                .as(file + ": ConfigMap data " + key)
                                .isNotEmpty();
                    }
                });
            }
        });
    }

    @Test
    void everyKubernetesManifestIsNamedAndListedInTheKustomization() {
        Map<String, Object> kustomization = single(yaml.get(KUBERNETES.resolve("kustomization.yaml")));
        Set<String> listed = new TreeSet<>(strings(kustomization.get("resources")));
        for (String resource : listed) {
            assertThat(KUBERNETES.resolve(resource))
                    .as("kustomization resource")
                    .exists();
        }
        yaml.forEach((file, documents) -> {
            if (!file.startsWith(KUBERNETES) || file.getParent().equals(KUBERNETES.resolve("monitoring"))) {
                return;
            }
            String name = KUBERNETES.relativize(file).toString();
            if (!name.equals("kustomization.yaml") && !name.equals("secret.template.yaml")) {
                assertThat(listed).as("kustomization.yaml lists " + name).contains(name);
            }
            for (Object document : documents) {
                Map<String, Object> manifest = asMap(document);
                assertThat(manifest).as(file + ": a manifest").containsKeys("apiVersion", "kind");
                if (!"Kustomization".equals(manifest.get("kind"))) {
                    assertThat(map(manifest, "metadata"))
                            .as(file + ": metadata.name")
                            .containsKey("name");
                }
            }
        });
    }

    // --- the settings are documented ------------------------------------------------------------------------

    @Test
    void everyEnvironmentVariableGivenToOrderflowIsADocumentedSetting() throws IOException {
        Documented documented = Documented.read(CONFIGURATION_DOC);
        Map<String, String> undocumented = new TreeMap<>();
        composeServices().forEach((service, definition) -> {
            for (String variable : environment(definition).keySet()) {
                if (!documented.covers(variable)) {
                    undocumented.put(variable, COMPOSE + " service " + service);
                }
            }
        });
        kubernetesEnvironment().forEach((where, variables) -> {
            for (String variable : variables) {
                if (!documented.covers(variable)) {
                    undocumented.put(variable, where);
                }
            }
        });
        assertThat(undocumented)
                .as("environment variables that map to no setting in " + CONFIGURATION_DOC
                        + " (document the setting, or fix the name)")
                .isEmpty();
    }

    @Test
    void theDocumentedSettingsAreReadAsSpringBindsThem() throws IOException {
        Documented documented = Documented.read(CONFIGURATION_DOC);
        assertThat(documented.covers("ORDERFLOW_MODULES")).isTrue();
        assertThat(documented.covers("ORDERFLOW_RATELIMIT_REDISURL")).isTrue();
        assertThat(documented.covers("ORDERFLOW_SECURITY_CLIENTS_0_SECRET")).isTrue();
        assertThat(documented.covers("SPRING_DATASOURCE_PASSWORD")).isTrue();
        assertThat(documented.covers("SPRING_PROFILES_ACTIVE")).isTrue();
        assertThat(documented.covers("ORDERFLOW_RATELIMIT_REDIS_URL")).isFalse();
        assertThat(documented.covers("ORDERFLOW_MODULE")).isFalse();
        assertThat(documented.covers("SERVER_PORTS")).isFalse();
    }

    // --- the image ------------------------------------------------------------------------------------------

    @Test
    void everyOrderflowProcessRunsTheImageJibBuilds() {
        assertThat(jibImage).isEqualTo("orderflow:" + projectVersion());
        composeServices()
                .forEach((service, definition) -> assertThat(interpolateDefaults((String) definition.get("image")))
                        .as(COMPOSE + " service " + service + " image")
                        .isEqualTo(jibImage));
        orderflowContainers()
                .forEach((deployment, container) -> assertThat(container.get("image"))
                        .as(deployment + " image")
                        .isEqualTo(jibImage));
    }

    @Test
    void podsRunAsTheImagesNonRootUserAndCanWriteTheirVolumes() throws Exception {
        List<String> users = jibConfiguration("container/user");
        assertThat(users).as("the Jib plugin's <container><user>").hasSize(1);
        String user = users.get(0);
        assertThat(user).as("the image's user, numeric and not root").matches("[1-9][0-9]*:[1-9][0-9]*");
        int group = Integer.parseInt(user.substring(user.indexOf(':') + 1));
        for (Map<String, Object> deployment : ofKind(kubernetesManifests(), "Deployment")) {
            Map<String, Object> pod = map(map(map(deployment, "spec"), "template"), "spec");
            assertThat(map(pod, "securityContext"))
                    .as(name(deployment) + " pod security context")
                    .containsEntry("runAsNonRoot", true)
                    .containsEntry("fsGroup", group);
        }
    }

    @Test
    void composeAndKubernetesRunEveryProcessOfTheDistributedMode() {
        Set<String> composed = new TreeSet<>();
        composeServices().values().forEach(d -> composed.add(environment(d).get("ORDERFLOW_MODULES")));
        assertThat(composed).as(COMPOSE + ": ORDERFLOW_MODULES of its services").isEqualTo(expectedPorts.keySet());
        assertThat(composeServices().keySet())
                .as("compose services are named after their module")
                .isEqualTo(expectedPorts.keySet());

        Set<String> deployed = new TreeSet<>();
        orderflowContainers().values().forEach(c -> deployed.add(env(c).get("ORDERFLOW_MODULES")));
        assertThat(deployed).as("Kubernetes Deployments' ORDERFLOW_MODULES").isEqualTo(expectedPorts.keySet());
    }

    // --- the ports ------------------------------------------------------------------------------------------

    @Test
    void theGatewayIsOnTheDefaultPortAndTheImageExposesEveryPort() throws Exception {
        Properties application = new Properties();
        try (var in = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            application.load(in);
        }
        assertThat(expectedPorts.get("gateway"))
                .as("the gateway's port is server.port's default")
                .isEqualTo(Integer.parseInt(application.getProperty("server.port")));
        Set<Integer> exposed = new TreeSet<>();
        for (String port : jibConfiguration("container/ports/port")) {
            String[] range = port.split("-");
            int from = Integer.parseInt(range[0].trim());
            int to = range.length > 1 ? Integer.parseInt(range[1].trim()) : from;
            for (int p = from; p <= to; p++) {
                exposed.add(p);
            }
        }
        assertThat(exposed).as("ports the Jib image exposes").containsAll(expectedPorts.values());
    }

    @Test
    void composeServicesListenScrapeAndDiscoverOnTheirPorts() {
        Map<String, Map<String, Object>> services = composeServices();
        services.forEach((service, definition) -> {
            Map<String, String> environment = environment(definition);
            String module = environment.get("ORDERFLOW_MODULES");
            assertThat(environment.get("SERVER_PORT"))
                    .as(COMPOSE + " service " + service + " SERVER_PORT")
                    .isEqualTo(String.valueOf(expectedPorts.get(module)));
            if (environment.containsKey("ORDERFLOW_DISCOVERY_URL")) {
                assertThat(environment.get("ORDERFLOW_DISCOVERY_URL"))
                        .as(COMPOSE + " service " + service + " discovery URL")
                        .isEqualTo("http://discovery:" + expectedPorts.get("discovery") + "/eureka/");
            }
            for (String published : strings(definition.get("ports"))) {
                String[] parts = published.split(":");
                assertThat(Integer.parseInt(parts[parts.length - 1]))
                        .as(COMPOSE + " service " + service + " publishes its own port")
                        .isEqualTo(expectedPorts.get(module));
            }
        });
        assertThat(services.get("gateway").get("ports"))
                .as("the gateway, and only it, is published")
                .isNotNull();
        assertThat(services.entrySet().stream()
                        .filter(e -> e.getValue().containsKey("ports"))
                        .map(Map.Entry::getKey))
                .containsExactly("gateway");

        Map<String, Object> job = single(list(single(yaml.get(PROMETHEUS_COMPOSE)), "scrape_configs"));
        Set<String> targets =
                new TreeSet<>(strings(single(list(job, "static_configs")).get("targets")));
        Set<String> expectedTargets = expectedPorts.entrySet().stream()
                .map(e -> e.getKey() + ":" + e.getValue())
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(targets).as(PROMETHEUS_COMPOSE + " targets").isEqualTo(expectedTargets);
        Map<String, Object> oauth2 = map(job, "oauth2");
        assertThat(oauth2.get("token_url"))
                .isEqualTo("http://customer:" + expectedPorts.get("customer") + "/api/auth/token");
        Map<String, String> customer = environment(services.get("customer"));
        assertThat(oauth2.get("client_id")).isEqualTo(customer.get("ORDERFLOW_SECURITY_CLIENTS_0_ID"));
        assertThat(oauth2.get("client_secret")).isEqualTo(customer.get("ORDERFLOW_SECURITY_CLIENTS_0_SECRET"));
        assertThat(customer.get("ORDERFLOW_SECURITY_CLIENTS_0_ROLES")).isEqualTo("operator");
    }

    @Test
    void composeStartsEveryServiceAfterWhatItNeedsIsHealthy() {
        Map<String, Object> all = map(single(yaml.get(COMPOSE)), "services");
        all.forEach((service, value) -> {
            Map<String, Object> definition = asMap(value);
            assertThat(definition)
                    .as(COMPOSE + " service " + service + " image")
                    .containsKey("image");
            Object dependsOn = definition.get("depends_on");
            if (dependsOn instanceof Map<?, ?> conditions) {
                conditions.forEach((dependency, condition) -> {
                    assertThat(all).as(service + " depends on " + dependency).containsKey((String) dependency);
                    if ("service_healthy".equals(asMap(condition).get("condition"))) {
                        assertThat(asMap(all.get(dependency)))
                                .as(dependency + " has a health check, which " + service + " waits for")
                                .containsKey("healthcheck");
                    }
                });
            }
            for (String volume : strings(definition.get("volumes"))) {
                if (volume.startsWith("./")) {
                    assertThat(DEPLOY.resolve(volume.substring(2, volume.indexOf(':'))))
                            .as(COMPOSE + " service " + service + " mounts")
                            .exists();
                }
            }
        });
        composeServices().forEach((service, definition) -> {
            assertThat(definition).as(service + " health check").containsKey("healthcheck");
            if (!Set.of("discovery", "gateway").contains(service)) {
                assertThat(map(definition, "depends_on"))
                        .as(service + " waits for the database, the broker and discovery")
                        .containsKeys("postgres", "rabbitmq", "discovery");
            }
        });
        assertThat(environment(composeServices().get("notification")))
                .as("the notification module sends through MailDev")
                .containsEntry("SPRING_MAIL_HOST", "maildev")
                .containsEntry("SPRING_MAIL_PORT", "1025");
    }

    @Test
    void kubernetesContainersServicesAndProbesAgreeOnThePorts() {
        List<Map<String, Object>> manifests = kubernetesManifests();
        Map<String, Map<String, Object>> servicesByName = new TreeMap<>();
        ofKind(manifests, "Service").forEach(s -> servicesByName.put(name(s), s));
        orderflowContainers().forEach((deployment, container) -> {
            String module = env(container).get("ORDERFLOW_MODULES");
            int port = expectedPorts.get(module);
            assertThat(env(container).get("SERVER_PORT"))
                    .as(deployment + " SERVER_PORT")
                    .isEqualTo("" + port);
            Map<String, Object> http = single(list(container, "ports"));
            assertThat(http).as(deployment + " container port").containsEntry("containerPort", port);
            String portName = (String) http.get("name");
            for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
                Map<String, Object> get = map(map(container, probe), "httpGet");
                assertThat(get.get("port"))
                        .as(deployment + " " + probe + " port")
                        .isIn(portName, port);
                assertThat(get.get("path"))
                        .as(deployment + " " + probe + " path")
                        .isEqualTo(
                                probe.equals("readinessProbe")
                                        ? "/actuator/health/readiness"
                                        : "/actuator/health/liveness");
            }
            assertThat(map(container, "resources")).containsKeys("requests", "limits");
            Map<String, Object> service = servicesByName.get(module);
            assertThat(service).as("a Service for " + module).isNotNull();
            Map<String, Object> servicePort = single(list(map(service, "spec"), "ports"));
            assertThat(servicePort.get("port")).as(module + " Service port").isEqualTo(port);
            assertThat(servicePort.get("targetPort"))
                    .as(module + " Service targetPort")
                    .isIn(portName, port);
        });
        Map<String, Object> configMap = ofKind(manifests, "ConfigMap").stream()
                .filter(c -> name(c).equals("orderflow"))
                .findFirst()
                .orElseThrow();
        assertThat(map(configMap, "data").get("ORDERFLOW_DISCOVERY_URL"))
                .isEqualTo("http://discovery:" + expectedPorts.get("discovery") + "/eureka/");
        Map<String, Object> scrape = single(list(
                single(yaml.get(KUBERNETES.resolve("monitoring/prometheus-scrape-config.yaml"))), "scrape_configs"));
        assertThat(map(scrape, "oauth2").get("token_url"))
                .isEqualTo("http://customer.orderflow.svc:" + expectedPorts.get("customer") + "/api/auth/token");
    }

    @Test
    void everyDeploymentHasADisruptionBudgetAndItsAutoscalerScalesOnAMetricTheCodeExports() throws IOException {
        List<Map<String, Object>> manifests = kubernetesManifests();
        Set<String> deployments = new TreeSet<>(orderflowContainers().keySet());
        Set<String> budgets = ofKind(manifests, "PodDisruptionBudget").stream()
                .map(p -> (String)
                        map(map(map(p, "spec"), "selector"), "matchLabels").get("app.kubernetes.io/name"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(budgets).as("a PodDisruptionBudget per Deployment").isEqualTo(deployments);

        String code = mainSources();
        String queuePrefix = applicationProperty("orderflow.messaging.rabbitmq.namespace") + ".";
        List<Map<String, Object>> autoscalers = ofKind(manifests, "HorizontalPodAutoscaler");
        assertThat(autoscalers).isNotEmpty();
        Set<String> consumers = new TreeSet<>();
        for (Map<String, Object> hpa : autoscalers) {
            Map<String, Object> spec = map(hpa, "spec");
            String target = (String) map(spec, "scaleTargetRef").get("name");
            assertThat(deployments).as(name(hpa) + " scales a Deployment").contains(target);
            for (Map<String, Object> metric : listOfMaps(spec.get("metrics"))) {
                if ("External".equals(metric.get("type"))) {
                    Map<String, Object> external = map(map(metric, "external"), "metric");
                    String metricName = (String) external.get("name");
                    assertThat(exportedBy(code, metricName))
                            .as(name(hpa) + " scales on " + metricName + ", which the code must export")
                            .isTrue();
                    assertThat(map(map(external, "selector"), "matchLabels").get("queue"))
                            .as(name(hpa) + " watches its own module's queue")
                            .isEqualTo(queuePrefix + target);
                    consumers.add(target);
                }
            }
        }
        assertThat(consumers)
                .as("every module that consumes messages scales on its queue")
                .contains("order", "catalog", "inventory", "payment", "shipping", "notification");

        Map<String, Object> adapter = single(yaml.get(KUBERNETES.resolve("monitoring/prometheus-adapter-config.yaml")));
        Map<String, Object> rules = single(loadAll((String) map(adapter, "data").get("config.yaml")));
        for (Map<String, Object> rule : listOfMaps(rules.get("externalRules"))) {
            String exposed = (String) map(rule, "name").get("as");
            assertThat(exportedBy(code, exposed))
                    .as("adapter rule for " + exposed)
                    .isTrue();
        }
    }

    // --- reading the files ----------------------------------------------------------------------------------

    /** Services of compose.yaml that run orderflow (they say which modules with ORDERFLOW_MODULES). */
    static Map<String, Map<String, Object>> composeServices() {
        Map<String, Map<String, Object>> services = new TreeMap<>();
        map(single(yaml.get(COMPOSE)), "services").forEach((name, value) -> {
            Map<String, Object> definition = asMap(value);
            if (environment(definition).containsKey("ORDERFLOW_MODULES")) {
                services.put(name, definition);
            }
        });
        return services;
    }

    /** A compose service's environment, map or list form. */
    static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> environment = new LinkedHashMap<>();
        Object value = service.get("environment");
        if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> environment.put((String) k, v == null ? "" : String.valueOf(v)));
        } else if (value instanceof List<?> l) {
            for (Object entry : l) {
                String[] kv = String.valueOf(entry).split("=", 2);
                environment.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return environment;
    }

    static List<Map<String, Object>> kubernetesManifests() {
        List<Map<String, Object>> manifests = new ArrayList<>();
        yaml.forEach((file, documents) -> {
            if (file.startsWith(KUBERNETES)) {
                documents.stream()
                        .map(DeploymentFilesUnitTest::asMap)
                        .filter(m -> m.containsKey("kind"))
                        .forEach(manifests::add);
            }
        });
        return manifests;
    }

    /** Deployment name -> its orderflow container (the one given ORDERFLOW_MODULES). */
    static Map<String, Map<String, Object>> orderflowContainers() {
        Map<String, Map<String, Object>> containers = new TreeMap<>();
        for (Map<String, Object> deployment : ofKind(kubernetesManifests(), "Deployment")) {
            for (Map<String, Object> container : listOfMaps(
                    map(map(map(deployment, "spec"), "template"), "spec").get("containers"))) {
                if (env(container).containsKey("ORDERFLOW_MODULES")) {
                    containers.put(name(deployment), container);
                }
            }
        }
        return containers;
    }

    /** A container's env entries: name -> value (empty when it comes from a reference). */
    static Map<String, String> env(Map<String, Object> container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Map<String, Object> entry : listOfMaps(container.get("env"))) {
            Object value = entry.get("value");
            env.put((String) entry.get("name"), value == null ? "" : String.valueOf(value));
        }
        return env;
    }

    /**
     * Every variable the Kubernetes manifests set for orderflow: the containers' env, the keys of the ConfigMaps
     * and Secrets they take whole (envFrom), and the keys of every Secret (the template's).
     */
    static Map<String, Set<String>> kubernetesEnvironment() {
        Map<String, Set<String>> variables = new TreeMap<>();
        List<Map<String, Object>> manifests = kubernetesManifests();
        Set<String> configMaps = new TreeSet<>();
        orderflowContainers().forEach((deployment, container) -> {
            variables.put("Deployment " + deployment, env(container).keySet());
            for (Map<String, Object> from : listOfMaps(container.get("envFrom"))) {
                if (from.containsKey("configMapRef")) {
                    configMaps.add((String) map(from, "configMapRef").get("name"));
                }
                assertThat(from)
                        .as(deployment + ": secrets are taken key by key")
                        .doesNotContainKey("secretRef");
            }
        });
        for (Map<String, Object> configMap : ofKind(manifests, "ConfigMap")) {
            if (configMaps.contains(name(configMap))) {
                variables.put(
                        "ConfigMap " + name(configMap), map(configMap, "data").keySet());
            }
        }
        assertThat(configMaps).as("ConfigMaps the orderflow containers read").isNotEmpty();
        for (Map<String, Object> secret : ofKind(manifests, "Secret")) {
            Set<String> keys = new LinkedHashSet<>(map(secret, "stringData").keySet());
            keys.addAll(map(secret, "data").keySet());
            variables.put("Secret " + name(secret), keys);
        }
        return variables;
    }

    static List<Object> loadAll(String text) {
        List<Object> documents = new ArrayList<>();
        new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(text).forEach(documents::add);
        return documents;
    }

    /** {@code ${VARIABLE:-default}} as compose reads it when the variable is not set. */
    static String interpolateDefaults(String value) {
        return value.replaceAll("\\$\\{[A-Za-z0-9_]+:?-([^}]*)}", "$1");
    }

    static boolean exportedBy(String code, String prometheusName) {
        String base = prometheusName.replaceAll("_(seconds|total)$", "");
        return code.contains('"' + base.replace('_', '.') + '"') || code.contains('"' + base + '"');
    }

    static String mainSources() throws IOException {
        StringBuilder code = new StringBuilder();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                code.append(Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        return code.toString();
    }

    static String applicationProperty(String name) throws IOException {
        Properties application = new Properties();
        application.load(new StringReader(Files.readString(Path.of("src/main/resources/application.properties"))));
        return Objects.requireNonNull(application.getProperty(name), name);
    }

    /** Ports from scripts/run-distributed.sh: gateway on the base port, module n on base + n, discovery apart. */
    static Map<String, Integer> portsOfRunDistributed() throws IOException {
        String script = Files.readString(RUN_DISTRIBUTED, StandardCharsets.UTF_8);
        int base = Integer.parseInt(group(script, "base_port=\\$\\{ORDERFLOW_BASE_PORT:-(\\d+)}"));
        int discovery = Integer.parseInt(group(script, "discovery_port=\\$\\{ORDERFLOW_DISCOVERY_PORT:-(\\d+)}"));
        List<String> modules =
                List.of(group(script, "\\nmodules=\\(([a-z ]+)\\)").trim().split("\\s+"));
        Map<String, Integer> ports = new TreeMap<>();
        ports.put("gateway", base);
        ports.put("discovery", discovery);
        for (int i = 0; i < modules.size(); i++) {
            ports.put(modules.get(i), base + 1 + i);
        }
        return ports;
    }

    static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(RUN_DISTRIBUTED + " has " + regex).isTrue();
        return m.group(1);
    }

    static Document pom() throws Exception {
        return DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(Path.of("pom.xml").toFile());
    }

    static String projectVersion() {
        try {
            for (Node n = pom().getDocumentElement().getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && e.getTagName().equals("version")) {
                    return e.getTextContent().trim();
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("pom.xml has no version");
    }

    static String jibImage() throws Exception {
        List<String> images = jibConfiguration("to/image");
        assertThat(images).as("the Jib plugin's <to><image> in pom.xml").hasSize(1);
        return images.get(0).replace("${project.version}", projectVersion());
    }

    /** Text of the elements at a path under the jib-maven-plugin's configuration. */
    static List<String> jibConfiguration(String path) throws Exception {
        NodeList plugins = pom().getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element plugin = (Element) plugins.item(i);
            if (child(plugin, "artifactId").getTextContent().trim().equals("jib-maven-plugin")) {
                List<Element> level = List.of(child(plugin, "configuration"));
                for (String step : path.split("/")) {
                    List<Element> next = new ArrayList<>();
                    for (Element e : level) {
                        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
                            if (n instanceof Element c && c.getTagName().equals(step)) {
                                next.add(c);
                            }
                        }
                    }
                    level = next;
                }
                return level.stream().map(e -> e.getTextContent().trim()).toList();
            }
        }
        throw new AssertionError("pom.xml has no jib-maven-plugin");
    }

    static Element child(Element parent, String tag) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                return e;
            }
        }
        throw new AssertionError(parent.getTagName() + " has no " + tag);
    }

    static List<Map<String, Object>> ofKind(List<?> documents, String kind) {
        return documents.stream()
                .filter(d -> d instanceof Map<?, ?> m && kind.equals(m.get("kind")))
                .map(DeploymentFilesUnitTest::asMap)
                .toList();
    }

    static String name(Map<String, Object> manifest) {
        return (String) map(manifest, "metadata").get("name");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        return value == null ? Map.of() : asMap(value);
    }

    static List<Map<String, Object>> listOfMaps(Object value) {
        if (value == null) {
            return List.of();
        }
        assertThat(value).isInstanceOf(List.class);
        return ((List<?>) value).stream().map(DeploymentFilesUnitTest::asMap).toList();
    }

    static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
        return listOfMaps(parent.get(key));
    }

    static List<String> strings(Object value) {
        if (value == null) {
            return List.of();
        }
        assertThat(value).isInstanceOf(List.class);
        return ((List<?>) value).stream().map(String::valueOf).toList();
    }

    /** The one map a list holds (a file's one document, a job's one static config). */
    static Map<String, Object> single(List<?> values) {
        assertThat(values).hasSize(1);
        return asMap(values.get(0));
    }

    /**
     * What docs/configuration.md documents: the property names in its tables (with their {@code /`.suffix`}
     * shorthand, {@code <placeholder>} and {@code [n]} segments, and {@code prefix.*} where a row's first cell
     * says so) and every environment variable it names outright. An environment variable is covered when it is named, or when Spring's relaxed binding
     * maps it onto a documented property: upper case, {@code .} as {@code _}, {@code -} left out.
     */
    record Documented(Set<String> properties, Set<String> variables) {

        static final Pattern CODE = Pattern.compile("`([^`]+)`");
        static final Pattern PROPERTY = Pattern.compile("^[a-z][a-z0-9-]*(\\.[a-z0-9<>\\[\\]*_-]+)+$");
        static final Pattern VARIABLE = Pattern.compile("\\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\\b");

        static Documented read(Path doc) throws IOException {
            String text = Files.readString(doc, StandardCharsets.UTF_8);
            Set<String> properties = new TreeSet<>();
            for (String line : text.lines().filter(l -> l.startsWith("|")).toList()) {
                // a table row: its first cell names the setting (wildcards count only there), later cells may
                // name other settings in passing
                String[] cells = line.substring(1).split("\\|");
                for (int cell = 0; cell < cells.length; cell++) {
                    String first = null;
                    Matcher code = CODE.matcher(cells[cell]);
                    while (code.find()) {
                        String token = code.group(1).trim();
                        if (PROPERTY.matcher(token).matches() && (cell == 0 || !token.contains("*"))) {
                            properties.add(token);
                            if (first == null) {
                                first = token;
                            }
                        } else if (cell == 0
                                && first != null
                                && token.startsWith(".")
                                && PROPERTY.matcher("x" + token).matches()) {
                            // `orderflow.admission.initial-limit` / `.min-limit`: the last segment replaced
                            properties.add(first.substring(0, first.lastIndexOf('.')) + token);
                        }
                    }
                }
            }
            Set<String> variables = new TreeSet<>();
            Matcher variable = VARIABLE.matcher(text);
            while (variable.find()) {
                variables.add(variable.group());
            }
            return new Documented(properties, variables);
        }

        boolean covers(String variable) {
            if (variables.contains(variable)) {
                return true;
            }
            List<String> segments = List.of(variable.toLowerCase().split("_"));
            return properties.stream().anyMatch(p -> binds(p, segments));
        }

        static boolean binds(String property, List<String> variable) {
            List<String> segments = new ArrayList<>();
            for (String segment : property.replace("[", ".[").split("\\.")) {
                segments.add(segment);
            }
            for (int i = 0; i < segments.size(); i++) {
                String segment = segments.get(i);
                if (segment.equals("*")) {
                    return variable.size() > i;
                }
                if (i >= variable.size()) {
                    return false;
                }
                boolean any = segment.startsWith("<") || segment.startsWith("[");
                if (!any && !segment.replace("-", "").equals(variable.get(i))) {
                    return false;
                }
            }
            return segments.size() == variable.size();
        }
    }
}
