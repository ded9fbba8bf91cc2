package dev.exprun.report;

/**
 * A chart as a file of its own (format=svg, for slides and pull requests): the page's CSS is not there, so the text
 * styles the charts use come inline, on a white ground, as a viewer or an image tag shows them.
 */
final class SvgFile {
    private static final String STYLE = "<style>svg{color:#1b1b1b;background:#fff;font:11px system-ui,sans-serif}"
            + ".title{font-weight:bold;font-size:13px}.note{fill:#666}</style>\n";

    private SvgFile() {
    }

    static String standalone(String svg) {
        int end = svg.indexOf('>') + 1;
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg.substring(0, end) + "\n" + STYLE + svg.substring(end).stripLeading();
    }
}
