package dev.exprun.tagging;

import dev.exprun.core.ExpError;
import dev.exprun.record.RunRecord;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model tag's name from its template: {@code ${project.version}}, {@code ${exp.metric.NAME}},
 * {@code ${exp.image.tag}} are filled from the run; the result must match the tag pattern, by
 * default the convention teams already use: {@code v<major>.<minor>[-<type>][-<desc>]}, lower case.
 */
public final class TagName {
    public static final String DEFAULT_PATTERN = "v[0-9]+\\.[0-9]+(-[a-z0-9]+)*";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.\\-]+)}");

    private TagName() {
    }

    public static String resolve(String template, String pattern, RunRecord run) {
        if (template == null || template.isBlank()) {
            throw new ExpError("No tag name is configured.", "set <tagName> (-Dexp.tagName), e.g. v2.8-prod-ready");
        }
        Matcher m = PLACEHOLDER.matcher(template.trim());
        StringBuilder name = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(name, Matcher.quoteReplacement(value(m.group(1), template, run)));
        }
        m.appendTail(name);
        String result = name.toString();
        String regex = pattern == null || pattern.isBlank() ? DEFAULT_PATTERN : pattern;
        if (!result.matches(regex)) {
            throw new ExpError("The tag name '" + result + "' (from '" + template + "') does not match the tag pattern " + regex + ".",
                    "use a name such as v2.8-prod-ready or v2.8-ft-lr2 (lower case, digits and hyphens), or set <tagPattern>");
        }
        return result;
    }

    private static String value(String key, String template, RunRecord run) {
        if (key.equals("project.version")) {
            return run.project().version();
        }
        if (key.equals("exp.image.tag")) {
            String reference = run.image().reference();
            int at = reference.indexOf('@');
            String noDigest = at >= 0 ? reference.substring(0, at) : reference;
            int colon = noDigest.lastIndexOf(':');
            return colon > noDigest.lastIndexOf('/') ? noDigest.substring(colon + 1) : "latest";
        }
        if (key.startsWith("exp.metric.")) {
            String metric = key.substring("exp.metric.".length());
            Map<String, Double> metrics = run.metrics() == null ? Map.of() : run.metrics();
            Double v = metrics.get(metric);
            if (v == null) {
                throw new ExpError("The tag name '" + template + "' uses the metric '" + metric + "', which run " + run.runId()
                        + " does not have.", "use one of " + metrics.keySet());
            }
            // 0.932 -> "0932": tag names take digits and hyphens, not dots after the version.
            return String.format(Locale.ROOT, "%s", v).replace(".", "").replace("-", "m");
        }
        throw new ExpError("The tag name '" + template + "' uses ${" + key + "}, which is not known.",
                "use ${project.version}, ${exp.metric.NAME} or ${exp.image.tag}");
    }
}
