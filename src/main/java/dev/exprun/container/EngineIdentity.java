package dev.exprun.container;

import com.fasterxml.jackson.databind.JsonNode;
import dev.exprun.record.RunRecord.EngineInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an engine is, from what it reports about itself rather than from a name string a proxy or
 * a fork could send: Docker's /version lists an "Engine" component (with containerd, runc,
 * docker-init), Podman's a "Podman Engine" one (with Conmon and its OCI runtime). /info adds the
 * runtimes and, on Docker with CDI on, the CDI spec dirs.
 */
public final class EngineIdentity {
    public static final String DOCKER = "docker";
    public static final String PODMAN = "podman";
    public static final String UNKNOWN = "unknown";
    /** Podman's /version component for the runtime it uses. */
    private static final Pattern OCI_RUNTIME = Pattern.compile("OCI Runtime \\((.+)\\)");

    private EngineIdentity() {
    }

    /** True when /version lists Podman's engine component. */
    static boolean isPodman(JsonNode version) {
        for (JsonNode component : version.path("Components")) {
            if (component.path("Name").asText("").equalsIgnoreCase("Podman Engine")) {
                return true;
            }
        }
        return false;
    }

    /**
     * info may be null: an engine that would not answer /info (its runtimes are then unknown), or Podman,
     * whose /version names its runtime as the component "OCI Runtime (runc)".
     */
    public static EngineInfo of(JsonNode version, JsonNode info, String apiVersion) {
        List<String> components = new ArrayList<>();
        String name = UNKNOWN;
        String engineVersion = text(version, "Version");
        for (JsonNode component : version.path("Components")) {
            String componentName = component.path("Name").asText("");
            String componentVersion = component.path("Version").asText("");
            // runc's version is several lines; its first is the version
            components.add(componentName + " " + componentVersion.lines().findFirst().orElse("").trim());
            if (componentName.equalsIgnoreCase("Podman Engine")) {
                name = PODMAN;
                engineVersion = componentVersion;
            } else if (componentName.equals("Engine") && name.equals(UNKNOWN)) {
                name = DOCKER;
                engineVersion = componentVersion;
            }
        }
        List<String> runtimes = null;
        String defaultRuntime = null;
        List<String> cdiSpecDirs = null;
        for (JsonNode component : version.path("Components")) {
            Matcher runtime = OCI_RUNTIME.matcher(component.path("Name").asText(""));
            if (runtime.matches()) {
                runtimes = new ArrayList<>(List.of(runtime.group(1)));
                defaultRuntime = runtime.group(1);
            }
        }
        if (info != null) {
            runtimes = new ArrayList<>();
            info.path("Runtimes").fieldNames().forEachRemaining(runtimes::add);
            runtimes.sort(null);
            defaultRuntime = text(info, "DefaultRuntime");
            if (info.has("CDISpecDirs") && info.get("CDISpecDirs").isArray()) {
                cdiSpecDirs = new ArrayList<>();
                for (JsonNode dir : info.get("CDISpecDirs")) {
                    cdiSpecDirs.add(dir.asText());
                }
            }
        }
        return new EngineInfo(name, engineVersion, apiVersion, text(version, "Os"), text(version, "Arch"), components,
                runtimes, defaultRuntime, cdiSpecDirs);
    }

    /** True when a version such as "28.2.1" or "5.4.0-rc1" is at least major.minor. */
    public static boolean atLeast(String version, int major, int minor) {
        if (version == null) {
            return false;
        }
        String[] parts = version.trim().toLowerCase(Locale.ROOT).split("[^0-9]+", -1);
        try {
            int ma = Integer.parseInt(parts[0]);
            int mi = parts.length > 1 && !parts[1].isEmpty() ? Integer.parseInt(parts[1]) : 0;
            return ma > major || (ma == major && mi >= minor);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
