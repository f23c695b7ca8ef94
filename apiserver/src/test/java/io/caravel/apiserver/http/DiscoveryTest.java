package io.caravel.apiserver.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravel.apiserver.resource.ResourceTypes;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The legacy and the aggregated discovery forms describe the same subresources. */
class DiscoveryTest {
    @Test
    void bothFormsGiveEachSubresourceTheSameKindAndVerbs() {
        Map<String, String> legacy = new TreeMap<>();
        Map<String, String> aggregated = new TreeMap<>();
        for (Map.Entry<String, List<String>> gv : ResourceTypes.groupVersions().entrySet()) {
            for (String v : gv.getValue()) {
                for (JsonNode r : Discovery.resourceList(gv.getKey(), v).path("resources")) {
                    String name = r.path("name").asText();
                    if (name.contains("/")) {
                        // an absent group/version is the resource's own
                        legacy.put(gv.getKey() + "/" + v + "/" + name, r.path("group").asText(gv.getKey()) + "/"
                                + r.path("version").asText(v) + " " + r.path("kind").asText() + " " + r.path("verbs"));
                    }
                }
            }
        }
        for (boolean core : List.of(true, false)) {
            for (JsonNode g : Discovery.aggregated(core).path("items")) {
                for (JsonNode v : g.path("versions")) {
                    for (JsonNode r : v.path("resources")) {
                        for (JsonNode s : r.path("subresources")) {
                            JsonNode k = s.path("responseKind");
                            aggregated.put(g.at("/metadata/name").asText() + "/" + v.path("version").asText() + "/"
                                    + r.path("resource").asText() + "/" + s.path("subresource").asText(),
                                    k.path("group").asText() + "/" + k.path("version").asText() + " "
                                            + k.path("kind").asText() + " " + s.path("verbs"));
                        }
                    }
                }
            }
        }
        assertThat(aggregated).isEqualTo(legacy);
        assertThat(legacy).containsEntry("apps/v1/deployments/scale", "autoscaling/v1 Scale [\"get\",\"patch\",\"update\"]")
                .containsEntry("/v1/pods/binding", "/v1 Binding [\"create\"]")
                .containsEntry("/v1/pods/status", "/v1 Pod [\"get\",\"patch\",\"update\"]");
    }
}
