package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shipped Kubernetes manifest, loaded into the Kubernetes model: kinds, ports, probes, and no unknown field. */
class KubernetesManifestTest {
    private static final Path MANIFEST = Paths.get("..", "docker", "kubernetes", "uppercase.yaml");
    private static List<HasMetadata> resources;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws Exception {
        try (InputStream in = Files.newInputStream(MANIFEST)) {
            Object parsed = new KubernetesSerialization().unmarshal(in);
            resources = parsed instanceof KubernetesList ? ((KubernetesList) parsed).getItems()
                    : parsed instanceof List ? (List<HasMetadata>) parsed : List.of((HasMetadata) parsed);
        }
    }

    private static <T> T only(Class<T> kind) {
        List<T> found = resources.stream().filter(kind::isInstance).map(kind::cast).collect(Collectors.toList());
        assertEquals(1, found.size(), "one " + kind.getSimpleName());
        return found.get(0);
    }

    @Test
    void holdsADeploymentAServiceAndADisruptionBudget() {
        assertEquals(Set.of("Deployment", "Service", "PodDisruptionBudget"),
                resources.stream().map(HasMetadata::getKind).collect(Collectors.toSet()));
    }

    @Test
    void theServiceExposes12000OverTcpAndUdp() {
        Service service = only(Service.class);
        Map<String, Integer> ports = service.getSpec().getPorts().stream()
                .collect(Collectors.toMap(ServicePort::getProtocol, ServicePort::getPort));
        assertEquals(Map.of("TCP", 12000, "UDP", 12000), ports);
        Deployment deployment = only(Deployment.class);
        assertEquals(deployment.getSpec().getSelector().getMatchLabels(), service.getSpec().getSelector());
        assertEquals(deployment.getSpec().getSelector().getMatchLabels(),
                only(PodDisruptionBudget.class).getSpec().getSelector().getMatchLabels());
    }

    @Test
    void theContainerHasProbesResourcesAndBothPorts() {
        Deployment deployment = only(Deployment.class);
        Container server = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertNotNull(server.getReadinessProbe().getExec(), "ready means a real answer");
        assertTrue(String.join(" ", server.getReadinessProbe().getExec().getCommand()).contains("HEALTH"));
        assertNotNull(server.getLivenessProbe());
        assertNotNull(server.getResources().getRequests().get("cpu"));
        assertNotNull(server.getResources().getRequests().get("memory"));
        assertEquals(Set.of("TCP/12000", "UDP/12000"), server.getPorts().stream()
                .map(p -> p.getProtocol() + "/" + p.getContainerPort()).collect(Collectors.toSet()));
        assertTrue(deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds() > 5,
                "longer than the server's drain timeout");
    }

    @Test
    void noFieldIsUnknownToTheModel() {
        Deployment deployment = only(Deployment.class);
        Container server = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        List<Map<String, Object>> extras = List.of(
                deployment.getAdditionalProperties(), deployment.getSpec().getAdditionalProperties(),
                deployment.getSpec().getTemplate().getSpec().getAdditionalProperties(),
                server.getAdditionalProperties(), server.getReadinessProbe().getAdditionalProperties(),
                server.getLivenessProbe().getAdditionalProperties(), server.getResources().getAdditionalProperties(),
                only(Service.class).getAdditionalProperties(), only(Service.class).getSpec().getAdditionalProperties(),
                only(PodDisruptionBudget.class).getAdditionalProperties(),
                only(PodDisruptionBudget.class).getSpec().getAdditionalProperties());
        for (Map<String, Object> extra : extras) {
            assertEquals(Map.of(), extra, "fields the Kubernetes model does not know");
        }
        for (ServicePort port : only(Service.class).getSpec().getPorts()) {
            assertEquals(Map.of(), port.getAdditionalProperties());
        }
    }
}
