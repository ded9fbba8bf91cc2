package dev.exprun.report;

import dev.exprun.core.ExpError;
import dev.exprun.tagging.ExpTag;
import dev.exprun.tagging.ExpTags;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
    /** The plot's own height, above the room the rotated tag names take (bottom()). */
    private static final int PLOT = 196;
    /** Longer tag names are cut, with the whole name in the point's tooltip. */
    private static final int MAX_LABEL = 32;
    private static final int LEFT = 64;
    /** The least room right of the last tag; its rotated name may need more (see right()). */
    private static final int MIN_RIGHT = 24;
    private static final int TOP = 28;
    /** Okabe-Ito's vermillion: a tag past its allowed regression. */
    private static final String WARNING = "#D55E00";

    /** A tag, when it was made, and the metrics its annotation carries. */
    public record Milestone(String name, Instant date, Map<String, Double> metrics) {
    }

    /**
     * What a release of this metric is held to: the baseline tag's value and the worst value its allowed regression
     * still passes (exp:verify's gate; null without a maxRegression for the metric), higher or lower being better.
     */
    public record Band(String baselineTag, double base, Double limit, boolean higherIsBetter) {
        boolean fails(double v) {
            return limit != null && (higherIsBetter ? v < limit : v > limit);
        }

        double worst() {
            return limit == null ? base : limit;
        }
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

    /**
     * One metric over the tags that carry it; null when none does. band (may be null): the baseline and its allowed
     * regression, shaded; a tag past the allowance is drawn in the warning colour.
     */
    public static String render(String metric, List<Milestone> milestones, Band band) {
        List<Milestone> with = milestones.stream().filter(m -> m.metrics().get(metric) != null && Double.isFinite(m.metrics().get(metric))).toList();
        if (with.isEmpty()) {
            return null;
        }
        double min = with.stream().mapToDouble(m -> m.metrics().get(metric)).min().orElseThrow();
        double max = with.stream().mapToDouble(m -> m.metrics().get(metric)).max().orElseThrow();
        if (band != null) {
            min = Math.min(min, Math.min(band.base(), band.worst()));
            max = Math.max(max, Math.max(band.base(), band.worst()));
        }
        SvgChart.Scale ys = new SvgChart.Scale(min, max == min ? min + Math.max(Math.abs(min) * 0.1, 1e-9) : max, PLOT, TOP, false);
        int right = right(with);
        int bottom = bottom(with);
        int height = PLOT + bottom;
        int judgedAfter = band == null ? -1 : with.stream().map(Milestone::name).toList().indexOf(band.baselineTag());
        double step = with.size() == 1 ? 0 : (double) (WIDTH - LEFT - right) / (with.size() - 1);
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart timeline\" role=\"img\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(height).append("\" width=\"").append(WIDTH).append("\" height=\"").append(height).append("\" aria-label=\"")
                .append(Html.escape(metric)).append(" by exp tag\">\n");
        svg.append("<text x=\"").append(LEFT).append("\" y=\"18\" class=\"title\">").append(Html.escape(metric)).append(" by tag</text>\n");
        svg.append("<g class=\"axis\" stroke=\"currentColor\" fill=\"currentColor\">\n<line x1=\"").append(LEFT).append("\" y1=\"")
                .append(PLOT).append("\" x2=\"").append(WIDTH - right).append("\" y2=\"").append(PLOT).append("\"/>\n");
        for (double t : ys.ticks()) {
            svg.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(f(ys.at(t) + 4)).append("\" text-anchor=\"end\" stroke=\"none\">")
                    .append(SvgChart.label(t)).append("</text>\n");
        }
        svg.append("</g>\n");
        if (band != null) {
            band(svg, band, ys, right);
        }
        svg.append("<polyline fill=\"none\" stroke=\"").append(SvgChart.PALETTE.get(0)).append("\" stroke-width=\"2\" points=\"");
        for (int i = 0; i < with.size(); i++) {
            svg.append(f(LEFT + i * step)).append(',').append(f(ys.at(with.get(i).metrics().get(metric)))).append(' ');
        }
        svg.append("\"/>\n");
        for (int i = 0; i < with.size(); i++) {
            Milestone m = with.get(i);
            double x = LEFT + i * step;
            double y = ys.at(m.metrics().get(metric));
            // Only a tag made after the baseline is held to it: older ones are the road that led there.
            boolean fails = band != null && i > judgedAfter && band.fails(m.metrics().get(metric));
            svg.append("<circle cx=\"").append(f(x)).append("\" cy=\"").append(f(y)).append("\" r=\"").append(fails ? 5 : 4).append("\" fill=\"")
                    .append(fails ? WARNING : SvgChart.PALETTE.get(0)).append("\"><title>").append(Html.escape(m.name() + ": "
                            + SvgChart.label(m.metrics().get(metric)) + (fails ? ", past the regression allowed from " + band.baselineTag() : "")))
                    .append("</title></circle>\n");
            svg.append("<text x=\"").append(f(x)).append("\" y=\"").append(f(y - 8)).append("\" text-anchor=\"middle\">")
                    .append(SvgChart.label(m.metrics().get(metric))).append("</text>\n");
            svg.append("<text class=\"tag\" transform=\"translate(").append(f(x)).append(',').append(PLOT + 14)
                    .append(") rotate(30)\">").append(Html.escape(label(m.name()))).append("</text>\n");
        }
        return svg.append("</svg>\n").toString();
    }

    /** The baseline as a dashed line, the allowed regression as a shaded band under (or over) it, both labelled. */
    private static void band(StringBuilder svg, Band band, SvgChart.Scale ys, int right) {
        double base = ys.at(band.base());
        double limit = ys.at(band.worst());
        if (band.limit() != null) {
            svg.append("<rect class=\"allowed\" x=\"").append(LEFT).append("\" y=\"").append(f(Math.min(base, limit))).append("\" width=\"")
                .append(WIDTH - LEFT - right).append("\" height=\"").append(f(Math.max(1, Math.abs(limit - base)))).append("\" fill=\"")
                .append(SvgChart.PALETTE.get(2)).append("\" fill-opacity=\"0.18\"><title>").append(Html.escape("allowed regression from "
                        + band.baselineTag() + ": " + SvgChart.label(band.base()) + " to " + SvgChart.label(band.limit()))).append("</title></rect>\n");
        }
        svg.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(f(base)).append("\" x2=\"").append(WIDTH - right).append("\" y2=\"")
                .append(f(base)).append("\" stroke=\"").append(SvgChart.PALETTE.get(2)).append("\" stroke-dasharray=\"6 4\"/>\n");
        // Under the line when the line is at the top, where the title and the best tag's value are.
        double labelY = base - TOP < 24 ? base + 14 : base - 4;
        svg.append("<text x=\"").append(LEFT + 6).append("\" y=\"").append(f(labelY)).append("\" class=\"note\">")
                .append(Html.escape("baseline " + band.baselineTag() + " " + SvgChart.label(band.base()) + (band.limit() == null ? ""
                        : "; allowed to " + SvgChart.label(band.limit())))).append("</text>\n");
    }

    /** Room for the last tag's name, rotated 30 degrees (about 6 px a character at 11 px). */
    private static int right(List<Milestone> with) {
        String last = label(with.get(with.size() - 1).name());
        return Math.max(MIN_RIGHT, (int) (last.length() * 6 * Math.cos(Math.toRadians(30))) + 8);
    }

    /** Room under the axis for the longest rotated name. */
    private static int bottom(List<Milestone> with) {
        int longest = with.stream().mapToInt(m -> label(m.name()).length()).max().orElse(0);
        return Math.max(64, 24 + (int) (longest * 6 * Math.sin(Math.toRadians(30))));
    }

    private static String label(String name) {
        return name.length() <= MAX_LABEL ? name : name.substring(0, MAX_LABEL - 1) + "\u2026";
    }

    private static String f(double v) {
        return SvgChart.f(v);
    }
}
