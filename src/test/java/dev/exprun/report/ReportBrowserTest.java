package dev.exprun.report;

import static dev.exprun.report.ReportFixtures.git;
import static dev.exprun.report.ReportFixtures.run;
import static dev.exprun.report.ReportFixtures.tag;
import static dev.exprun.report.ReportFixtures.trial;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.exprun.git.GitProvenance;
import dev.exprun.record.RunStatus;
import dev.exprun.testing.CapturingLog;
import dev.exprun.testing.Chromium;
import dev.exprun.testing.PageLoad;
import dev.exprun.testing.Projects;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * exp:report's page in a real headless Chromium with no way to the network: it loads without a complaint or a request,
 * draws every chart with a size and readable labels, in the light and the dark theme, and sorts its table. The
 * assertions go over every {@code svg.chart}, so a new section needs no change here. Screenshots go to
 * target/report-screenshots; with -Dexp.test.screenshots=DIR also one PNG per view (report-runs.png, ...) to DIR.
 */
class ReportBrowserTest {
    private static final int WIDTH = 1200;
    /** The fixture's curves (loss, val_acc), its sweep (parallel coordinates, lr, opt) and its tag timeline (val_acc). */
    private static final int FIXTURE_CHARTS = 6;

    @TempDir
    Path tmp;

    @Test
    void thePageLoadsOfflineWithoutComplaintDrawsEveryChartAndSorts() throws Exception {
        Path index = report();
        Path shots = Path.of(System.getProperty("basedir", ".")).resolve("target/report-screenshots");
        try (Chromium chromium = Chromium.launch()) {
            PageLoad load = chromium.open(index);
            System.out.printf("ReportBrowserTest: DOMContentLoaded %.1f ms, load %.1f ms, first contentful paint %.1f ms; "
                    + "Chromium's own background connections (not the page's): %s%n", load.domContentLoadedMs(), load.loadEventEndMs(),
                    load.firstContentfulPaintMs(), chromium.browserProxyConnections().size());
            chromium.screenshot(shots.resolve("report.png"), WIDTH);
            String views = System.getProperty("exp.test.screenshots");
            if (views != null && !views.isBlank()) {
                assertTrue(!chromium.captureEachView(Path.of(views), "report-", WIDTH).isEmpty(), "the page has views to capture");
            }
            // All of them, in this order, even after a failure: one run shows everything the page gets wrong.
            assertAll("exp:report in headless Chromium",
                    () -> assertEquals(List.of(), load.problems(), "console errors and warnings, exceptions, error log entries"),
                    () -> assertEquals(List.of(), load.requests(), "a self-contained page requests nothing"),
                    () -> assertEveryChartIsDrawn(chromium),
                    () -> assertChartTextIsReadable(chromium, "light"),
                    () -> assertTheDarkThemeApplies(chromium, shots.resolve("report-dark.png")),
                    () -> assertTheFirstHeadingSortsAndFlips(chromium),
                    () -> assertEquals(List.of(), chromium.problems(), "no complaint after the theme change and the clicks either"),
                    // Asked last: a request the page makes late (a timer, a lazy image) has had the whole test to show.
                    () -> assertEquals(List.of(), chromium.pageProxyConnections(), "the page's dead proxy saw a connection"));
        }
    }

    private static void assertEveryChartIsDrawn(Chromium chromium) {
        JsonNode charts = chromium.evaluate("[...document.querySelectorAll('svg.chart')]"
                + ".map(e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; })");
        assertTrue(charts.size() >= FIXTURE_CHARTS, "at least " + FIXTURE_CHARTS + " svg.chart, not " + charts);
        for (int i = 0; i < charts.size(); i++) {
            JsonNode size = charts.get(i);
            assertTrue(size.get(0).asDouble() > 0 && size.get(1).asDouble() > 0, "svg.chart #" + i + " has a size: " + charts);
        }
    }

    /** Every chart label against the page's background, by the WCAG contrast ratio; 4.5:1 is its bar (AA) for text. */
    private static void assertChartTextIsReadable(Chromium chromium, String theme) {
        JsonNode unreadable = chromium.evaluate("""
                (() => {
                  const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
                  const lum = c => c.map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
                    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
                  const bg = lum(rgb(getComputedStyle(document.body).backgroundColor));
                  return [...document.querySelectorAll('svg.chart text')].map(t => {
                    const fg = lum(rgb(getComputedStyle(t).fill));
                    return {text: t.textContent, fill: getComputedStyle(t).fill,
                            ratio: Math.round((Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05) * 10) / 10};
                  }).filter(t => t.ratio < 4.5);
                })()""");
        assertEquals(0, unreadable.size(), "chart text below 4.5:1 contrast in the " + theme + " theme: " + unreadable);
    }

    private static void assertTheDarkThemeApplies(Chromium chromium, Path screenshot) {
        String background = "getComputedStyle(document.body).backgroundColor.match(/\\d+/g).slice(0, 3).reduce((a, b) => a + +b, 0)";
        int light = chromium.evaluate(background).asInt();
        chromium.emulateColorScheme("dark");
        chromium.screenshot(screenshot, WIDTH);
        int dark = chromium.evaluate(background).asInt();
        assertTrue(dark < light, "prefers-color-scheme: dark darkens the page: background channels " + light + " -> " + dark);
        assertChartTextIsReadable(chromium, "dark");
    }

    private static void assertTheFirstHeadingSortsAndFlips(Chromium chromium) {
        JsonNode sort = chromium.evaluate("""
                (() => {
                  const table = document.querySelector('table.sortable');
                  const th = table.tHead.rows[0].cells[0];
                  const rows = () => [...table.tBodies[0].rows].map(r => [r.cells[0].textContent, r.textContent]);
                  th.click(); const first = rows(); th.click(); const second = rows();
                  return {heading: th.textContent, first, second};
                })()""");
        String heading = sort.get("heading").asText();
        List<String> first = column(sort.get("first"), 1);
        List<String> second = new ArrayList<>(column(sort.get("second"), 1));
        assertTrue(first.size() >= 2, "the fixture has rows to sort: " + first);
        List<String> keys = column(sort.get("first"), 0);
        assertTrue(monotone(keys), "a click on '" + heading + "' sorts the rows by it: " + keys);
        Collections.reverse(second);
        assertEquals(first, second, "a second click on '" + heading + "' reverses the order");
        assertNotEquals(column(sort.get("first"), 1), column(sort.get("second"), 1),
                "the order flips on the second click on '" + heading + "' (keys " + keys + ")");
    }

    private static List<String> column(JsonNode rows, int index) {
        List<String> values = new ArrayList<>();
        rows.forEach(r -> values.add(r.get(index).asText()));
        return values;
    }

    /** Ascending or descending, numerically where every key is a number. */
    private static boolean monotone(List<String> keys) {
        boolean numeric = keys.stream().allMatch(k -> k.trim().matches("-?[0-9.]+(e-?[0-9]+)?"));
        int up = 0;
        int down = 0;
        for (int i = 1; i < keys.size(); i++) {
            int c = numeric ? Double.compare(Double.parseDouble(keys.get(i - 1)), Double.parseDouble(keys.get(i)))
                    : keys.get(i - 1).compareTo(keys.get(i));
            up += c < 0 ? 1 : 0;
            down += c > 0 ? 1 : 0;
        }
        return up == 0 || down == 0;
    }

    /** Each section.view, or else each stretch from one h2[id] to the next, as report-ID.png. */
    /** Noted runs with curves (one failed, one from the notes only), a sweep of three trials (one failed) and two exp tags. */
    private Path report() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of(".gitignore", "target/\n", "train.py", "x\n"));
        GitProvenance git = git(repo);
        run(repo, git, "run-1", 0.80, "{\"step\": 1, \"loss\": 1.0, \"val_acc\": 0.5}\n{\"step\": 2, \"loss\": NaN, \"val_acc\": 0.8}\n"
                + "{\"step\": 3, \"loss\": 0.01, \"val_acc\": 0.8}\n", RunStatus.SUCCEEDED);
        run(repo, git, "run-2", 0.95, "{\"step\": 1, \"loss\": 0.9}\n{\"step\": 2, \"loss\": 0.001}\n", RunStatus.SUCCEEDED);
        run(repo, git, "run-3", 0.60, null, RunStatus.SUCCEEDED);
        run(repo, git, "run-4", 0.10, "{\"step\": 1, \"loss\": 5.0}\n", RunStatus.FAILED);
        trial(repo, git, "trial-1", "t01", 1, Map.of("lr", 0.001, "opt", "adam"), 0.80, RunStatus.SUCCEEDED);
        trial(repo, git, "trial-2", "t02", 1, Map.of("lr", 0.1, "opt", "sgd"), 0.93, RunStatus.SUCCEEDED);
        trial(repo, git, "trial-3", "t03", 1, Map.of("lr", 1.0, "opt", "adam"), null, RunStatus.FAILED);
        try (Repository r = new FileRepositoryBuilder().findGitDir(repo.toFile()).build(); Git g = Git.wrap(r)) {
            tag(g, r.resolve("HEAD"), "v1", 0.91, git, 1_700_000_000);
            tag(g, r.resolve("HEAD"), "v2", 0.95, git, 1_700_000_100);
        }
        return new ExperimentReport(new CapturingLog()).write(repo, repo.resolve("target"), "org.example:model",
                new ReportOptions(List.of(), "val_acc", 3, false, null, List.of(), List.of()), repo.resolve("target/exp/report"));
    }
}
