package dev.exprun.report;

import dev.exprun.core.ExpError;
import dev.exprun.tagging.ExpTag;
import dev.exprun.tagging.ExpTags;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevTag;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * The model's road through its exp tags: every tag in the order it was made (the tagger's date), a metric of its
 * annotation drawn as a line over them, the tag names as labels. The picture of progress a team shows upward.
 */
public final class TagTimeline {
    private static final int WIDTH = 720;
    private static final int HEIGHT = 260;
    private static final int LEFT = 64;
    private static final int RIGHT = 24;
    private static final int TOP = 28;
    private static final int BOTTOM = 64;

    /** A tag, when it was made, and the metrics its annotation carries. */
    public record Milestone(String name, Instant date, Map<String, Double> metrics) {
    }

    private TagTimeline() {
    }

    /** Every exp tag, oldest first (by the tagger's date, then the name). */
    public static List<Milestone> read(Repository repo) {
        List<Milestone> milestones = new ArrayList<>();
        try (RevWalk walk = new RevWalk(repo)) {
            for (ExpTag tag : ExpTags.read(repo)) {
                Ref ref = repo.exactRef(Constants.R_TAGS + tag.name());
                RevObject object = ref == null ? null : walk.parseAny(ref.getObjectId());
                Instant date = object instanceof RevTag t && t.getTaggerIdent() != null ? t.getTaggerIdent().getWhenAsInstant() : Instant.EPOCH;
                milestones.add(new Milestone(tag.name(), date, tag.metrics()));
            }
        } catch (IOException e) {
            throw new ExpError("Cannot read the exp tags of " + repo.getDirectory() + ": " + e.getMessage(),
                    "check that the repository is readable (git tag -l works)", e);
        }
        milestones.sort(Comparator.comparing(Milestone::date).thenComparing(Milestone::name));
        return milestones;
    }

    /** One metric over the tags that carry it; null when fewer than one does. */
    public static String render(String metric, List<Milestone> milestones) {
        List<Milestone> with = milestones.stream().filter(m -> m.metrics().get(metric) != null && Double.isFinite(m.metrics().get(metric))).toList();
        if (with.isEmpty()) {
            return null;
        }
        double min = with.stream().mapToDouble(m -> m.metrics().get(metric)).min().orElseThrow();
        double max = with.stream().mapToDouble(m -> m.metrics().get(metric)).max().orElseThrow();
        SvgChart.Scale ys = new SvgChart.Scale(min, max == min ? min + Math.max(Math.abs(min) * 0.1, 1e-9) : max, HEIGHT - BOTTOM, TOP, false);
        double step = with.size() == 1 ? 0 : (double) (WIDTH - LEFT - RIGHT) / (with.size() - 1);
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart timeline\" role=\"img\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(HEIGHT).append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT).append("\" aria-label=\"")
                .append(Html.escape(metric)).append(" by exp tag\">\n");
        svg.append("<text x=\"").append(LEFT).append("\" y=\"18\" class=\"title\">").append(Html.escape(metric)).append(" by tag</text>\n");
        svg.append("<g class=\"axis\" stroke=\"currentColor\" fill=\"currentColor\">\n<line x1=\"").append(LEFT).append("\" y1=\"")
                .append(HEIGHT - BOTTOM).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y2=\"").append(HEIGHT - BOTTOM).append("\"/>\n");
        for (double t : ys.ticks()) {
            svg.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(f(ys.at(t) + 4)).append("\" text-anchor=\"end\" stroke=\"none\">")
                    .append(SvgChart.label(t)).append("</text>\n");
        }
        svg.append("</g>\n<polyline fill=\"none\" stroke=\"").append(SvgChart.PALETTE.get(0)).append("\" stroke-width=\"2\" points=\"");
        for (int i = 0; i < with.size(); i++) {
            svg.append(f(LEFT + i * step)).append(',').append(f(ys.at(with.get(i).metrics().get(metric)))).append(' ');
        }
        svg.append("\"/>\n");
        for (int i = 0; i < with.size(); i++) {
            Milestone m = with.get(i);
            double x = LEFT + i * step;
            double y = ys.at(m.metrics().get(metric));
            svg.append("<circle cx=\"").append(f(x)).append("\" cy=\"").append(f(y)).append("\" r=\"4\" fill=\"").append(SvgChart.PALETTE.get(0))
                    .append("\"><title>").append(Html.escape(m.name() + ": " + SvgChart.label(m.metrics().get(metric)))).append("</title></circle>\n");
            svg.append("<text x=\"").append(f(x)).append("\" y=\"").append(f(y - 8)).append("\" text-anchor=\"middle\">")
                    .append(SvgChart.label(m.metrics().get(metric))).append("</text>\n");
            svg.append("<text class=\"tag\" transform=\"translate(").append(f(x)).append(',').append(HEIGHT - BOTTOM + 14)
                    .append(") rotate(30)\">").append(Html.escape(m.name())).append("</text>\n");
        }
        return svg.append("</svg>\n").toString();
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
